package siptest

import (
	"bytes"
	"strconv"
	"strings"
)

// Stream splits one direction of a SIP stream (TCP or TLS) into messages
// and the CRLFs between them: RFC 5626 keep-alives are a double CRLF from
// the client ("ping") and a single one back ("pong").
type Stream struct{ buf []byte }

// Feed adds data read from the stream and returns the messages it
// completes (raw text) and the CRLFs seen between messages.
func (s *Stream) Feed(data []byte) (msgs []string, crlfs int) {
	s.buf = append(s.buf, data...)
	for len(s.buf) > 0 {
		if bytes.HasPrefix(s.buf, []byte("\r\n")) {
			crlfs++
			s.buf = s.buf[2:]
			continue
		}
		end := bytes.Index(s.buf, []byte("\r\n\r\n"))
		if end < 0 {
			return msgs, crlfs
		}
		end += 4
		total := end + contentLength(string(s.buf[:end]))
		if len(s.buf) < total {
			return msgs, crlfs
		}
		msgs = append(msgs, string(s.buf[:total]))
		s.buf = s.buf[total:]
	}
	return msgs, crlfs
}

// contentLength reads Content-Length (or its compact form l) from a
// message head; 0 when absent or garbled.
func contentLength(head string) int {
	for _, line := range strings.Split(head, "\r\n") {
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if name = strings.ToLower(strings.TrimSpace(name)); name == "content-length" || name == "l" {
			n, _ := strconv.Atoi(strings.TrimSpace(value))
			return max(n, 0)
		}
	}
	return 0
}
