package nat

import (
	"errors"
	"strings"
	"testing"
)

func TestParseCandidate(t *testing.T) {
	good := []string{
		"1 1 udp 2130706431 127.0.0.1 5000 typ host",
		"candidate:1 1 UDP 2130706431 198.18.0.1 5000 typ host",
		"2 1 udp 1694498815 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 5000",
		"3 1 udp 16777215 203.0.113.9 50000 typ relay raddr 198.51.100.7 rport 40000 generation 0",
		"4 1 udp 2130706431 2001:db8::1 5000 typ host",
	}
	for _, s := range good {
		c, err := ParseCandidate(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if c.Component() != 1 || c.Port() < 1 {
			t.Errorf("%q parsed as %v", s, c)
		}
	}
	bad := []string{
		"",
		"junk",
		"1 1 tcp 2130706431 127.0.0.1 5000 typ host tcptype passive",
		"1 1 udp 2130706431 127.0.0.1 0 typ host",
		"1 1 udp 2130706431 127.0.0.1 70000 typ host",
		"1 1 udp 2130706431 abcd.local 5000 typ host",
		"1 1 udp 2130706431 127.0.0.1 5000 typ nonsense",
		"1 1 udp 2130706431 127.0.0.1 5000 typ host " + strings.Repeat("x y ", 200),
	}
	for _, s := range bad {
		if _, err := ParseCandidate(s); !errors.Is(err, ErrBadCandidate) {
			t.Errorf("%q: err = %v, want ErrBadCandidate", s, err)
		}
	}
}

func FuzzParseCandidate(f *testing.F) {
	for _, s := range []string{
		"1 1 udp 2130706431 127.0.0.1 5000 typ host",
		"2 1 udp 1694498815 198.51.100.7 40000 typ srflx raddr 10.0.0.2 rport 5000",
		"3 1 udp 16777215 203.0.113.9 50000 typ relay raddr 0.0.0.0 rport 0 ufrag x",
		"candidate:4 2 UDP 1 ::1 1 typ prflx",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCandidate(s)
		if err != nil {
			if !errors.Is(err, ErrBadCandidate) {
				t.Fatalf("%q: untyped error %v", s, err)
			}
			return
		}
		if p := c.Port(); p < 1 || p > 65535 || !c.NetworkType().IsUDP() || !candidateAddr(c).IsValid() {
			t.Fatalf("%q accepted as %v", s, c)
		}
		// What we accept re-parses from our own rendering (our SDP).
		if _, err := ParseCandidate(c.Marshal()); err != nil {
			t.Fatalf("%q: marshalled %q does not parse: %v", s, c.Marshal(), err)
		}
	})
}
