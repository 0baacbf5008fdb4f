package sip

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// SipfragContentType is the body type of REFER progress NOTIFYs (RFC 3420).
const SipfragContentType = "message/sipfrag;version=2.0"

// maxSipfrag bounds the body we look at: a status line and a few headers.
const maxSipfrag = 8 << 10

// maxReason bounds a reason phrase we keep or write.
const maxReason = 256

// ErrBadSipfrag means a NOTIFY body is not a SIP status line fragment.
var ErrBadSipfrag = errors.New("sip: bad sipfrag")

// ParseSipfrag reads the status line of a message/sipfrag body:
// "SIP/2.0 180 Ringing" gives 180 and "Ringing". Headers after the status
// line are ignored; a request line or anything else is an error.
func ParseSipfrag(body []byte) (code int, reason string, err error) {
	if len(body) > maxSipfrag {
		return 0, "", fmt.Errorf("%w: %d bytes", ErrBadSipfrag, len(body))
	}
	line := body
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	s := strings.TrimSpace(string(line))
	version, rest, ok := strings.Cut(s, " ")
	if !ok || !strings.EqualFold(version, "SIP/2.0") {
		return 0, "", fmt.Errorf("%w: %q is not a status line", ErrBadSipfrag, clip(s))
	}
	rest = strings.TrimLeft(rest, " ")
	num, reason, _ := strings.Cut(rest, " ")
	if len(num) != 3 {
		return 0, "", fmt.Errorf("%w: status %q", ErrBadSipfrag, clip(num))
	}
	code, err = strconv.Atoi(num)
	if err != nil || code < 100 || code > 699 {
		return 0, "", fmt.Errorf("%w: status %q", ErrBadSipfrag, clip(num))
	}
	reason = strings.TrimSpace(reason)
	if len(reason) > maxReason {
		reason = strings.TrimSpace(reason[:maxReason])
	}
	for _, r := range reason {
		if r < 0x20 || r == 0x7f {
			return 0, "", fmt.Errorf("%w: control character in reason", ErrBadSipfrag)
		}
	}
	return code, reason, nil
}

// FormatSipfrag writes the sipfrag body for a status: "SIP/2.0 200 OK\r\n".
// A reason with characters a status line cannot hold is replaced.
func FormatSipfrag(code int, reason string) []byte {
	if code < 100 || code > 699 {
		code = 500
	}
	if !validReason(reason) {
		reason = defaultReason(code)
	}
	return fmt.Appendf(nil, "SIP/2.0 %d %s\r\n", code, reason)
}

func validReason(s string) bool {
	if s == "" || len(s) > maxReason || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	return true
}

// defaultReason is a reason phrase for codes given without one.
func defaultReason(code int) string {
	switch {
	case code == 100:
		return "Trying"
	case code == 180:
		return "Ringing"
	case code == 183:
		return "Session Progress"
	case code < 200:
		return "Progress"
	case code < 300:
		return "OK"
	case code == 486:
		return "Busy Here"
	case code == 487:
		return "Request Terminated"
	case code == 603:
		return "Decline"
	case code < 500:
		return "Request Failure"
	case code == 500:
		return "Server Internal Error"
	case code == 503:
		return "Service Unavailable"
	case code < 600:
		return "Server Error"
	default:
		return "Global Failure"
	}
}

// clip shortens untrusted text quoted in an error.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
