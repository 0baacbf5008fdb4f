package widgets

import (
	"strconv"
	"strings"
	"time"

	"github.com/softphone/softphone/core/call"
)

// How a call is described, shared by the in-call and incoming screens.

// Duration formats how long the call has been answered: "mm:ss", or
// "h:mm:ss" past an hour; "" before it is answered.
func Duration(c call.Info, now time.Time) string {
	if c.Answered.IsZero() {
		return ""
	}
	end := now
	if !c.EndedAt.IsZero() {
		end = c.EndedAt
	}
	return Clock(max(end.Sub(c.Answered), 0))
}

// Clock formats d as "mm:ss", or "h:mm:ss" past an hour.
func Clock(d time.Duration) string {
	s := int(d / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	two := func(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
	if h > 0 {
		return strconv.Itoa(h) + ":" + two(m) + ":" + two(sec)
	}
	return two(s/60) + ":" + two(sec)
}

// StateText says where the call stands.
func StateText(c call.Info) string {
	switch c.State {
	case call.Dialing:
		return "Calling…"
	case call.Ringing:
		return "Ringing…"
	case call.Incoming:
		return "Incoming call"
	case call.Connected:
		return "Connected"
	case call.Held:
		return "On hold"
	case call.RemoteHeld:
		return "Held by the other side"
	default:
		return "Call ended"
	}
}

// PartyName is the name to show for a header value such as
// `"Bob" <sip:bob@example.com>` or sip:bob@example.com.
func PartyName(v string) string {
	v = strings.TrimSpace(v)
	var p call.Party
	if i := strings.IndexByte(v, '<'); i >= 0 {
		p.DisplayName = strings.Trim(strings.TrimSpace(v[:i]), `"`)
		rest := v[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			rest = rest[:j]
		}
		p.URI = rest
	} else {
		p.URI = v
	}
	n, _ := Names(p)
	return n
}
