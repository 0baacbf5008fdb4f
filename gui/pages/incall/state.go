package incall

import (
	"strconv"
	"time"

	"github.com/softphone/softphone/core/call"
)

// nextSecond is when the call's duration shows the next second.
func nextSecond(c call.Info, now time.Time) time.Time {
	if c.Answered.IsZero() {
		return now.Add(time.Second)
	}
	d := max(now.Sub(c.Answered), 0)
	return c.Answered.Add((d/time.Second + 1) * time.Second)
}

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
	return clock(max(end.Sub(c.Answered), 0))
}

// clock formats d as "mm:ss", or "h:mm:ss" past an hour.
func clock(d time.Duration) string {
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
