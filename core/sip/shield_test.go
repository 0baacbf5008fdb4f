package sip

import (
	"bytes"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

func udpProps(addr string) sip.TransportReadProps {
	a, _ := net.ResolveUDPAddr("udp", addr)
	return sip.TransportReadProps{Transport: "UDP", RemoteAddr: a} // as sipgo names it
}

// testShield is a shield on a clock the test moves, logging into buf.
func testShield(buf *bytes.Buffer) (*shield, *time.Time) {
	g := &gate{}
	s := newShield(g, &dialogs{}, slog.New(slog.NewTextHandler(buf, nil)), SourceRate, SourceBurst)
	now := time.Unix(1000, 0)
	s.now = func() time.Time { return now }
	return s, &now
}

const invite = "INVITE sip:alice@127.0.0.1:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999\r\n\r\n"

func TestShieldRateLimitsEachSource(t *testing.T) {
	var log bytes.Buffer
	s, now := testShield(&log)
	passed := 0
	for range SourceBurst + 50 {
		if out, err := s.filter(udpProps("127.0.0.1:5999"), []byte(invite)); err == nil && out != nil {
			passed++
		}
	}
	if passed != SourceBurst {
		t.Errorf("%d of a burst of %d passed, want %d", passed, SourceBurst+50, SourceBurst)
	}
	// Another address has its own allowance.
	if out, _ := s.filter(udpProps("127.0.0.2:5999"), []byte(invite)); out == nil {
		t.Error("a second source was limited by the first one's flood")
	}
	// A second later the first source may send SourceRate more.
	*now = now.Add(time.Second)
	passed = 0
	for range SourceRate * 2 {
		if out, _ := s.filter(udpProps("127.0.0.1:5999"), []byte(invite)); out != nil {
			passed++
		}
	}
	if passed != SourceRate {
		t.Errorf("%d passed after a second, want %d", passed, SourceRate)
	}
	if got := s.total.Limited; got != 50+SourceRate {
		t.Errorf("counted %d dropped, want %d", got, 50+SourceRate)
	}
	if n := strings.Count(log.String(), "refused requests"); n != 1 {
		t.Errorf("%d log lines for the flood, want 1 (rate-limited):\n%s", n, log.String())
	}
	*now = now.Add(refusalLogEvery)
	for range SourceBurst + 2 {
		s.filter(udpProps("127.0.0.1:5999"), []byte(invite))
	}
	if n := strings.Count(log.String(), "refused requests"); n != 2 {
		t.Errorf("%d log lines after %v, want 2:\n%s", n, refusalLogEvery, log.String())
	}
}

func TestShieldLetsRegistrationsThrough(t *testing.T) {
	var log bytes.Buffer
	s, _ := testShield(&log)
	s.g.bindFlow("work", "tok3n", "127.0.0.1:5060")
	withToken := strings.Replace(invite, "5070", "5070;rinstance=tok3n", 1)
	for i := range SourceBurst * 3 {
		if out, _ := s.filter(udpProps("127.0.0.1:5060"), []byte(invite)); out == nil {
			t.Fatalf("the registrar's request %d was dropped", i)
		}
		if out, _ := s.filter(udpProps("127.0.0.1:6000"), []byte(withToken)); out == nil {
			t.Fatalf("request %d with our token was dropped", i)
		}
	}
	wrong := strings.Replace(invite, "5070", "5070;rinstance=guess", 1)
	for range SourceBurst * 2 {
		s.filter(udpProps("127.0.0.1:6001"), []byte(wrong))
	}
	if s.total.Limited != SourceBurst {
		t.Errorf("a wrong token passed: %d limited, want %d", s.total.Limited, SourceBurst)
	}
	s.g.unbindFlow("tok3n")
	if s.g.trusted(netipAddrPort(t, "127.0.0.1:5060")) || s.g.carriesToken([]byte(withToken)) {
		t.Error("an unregistered flow is still trusted")
	}
}

func TestShieldDropsOversizeDatagrams(t *testing.T) {
	var log bytes.Buffer
	s, _ := testShield(&log)
	big := invite + strings.Repeat("x", MaxMessage)
	if out, _ := s.filter(udpProps("127.0.0.1:5999"), []byte(big)); out != nil {
		t.Error("a datagram over MaxMessage passed")
	}
	many := "INVITE sip:a@b SIP/2.0\r\n" + strings.Repeat("X-H: 1\r\n", MaxHeaders+1) + "\r\n"
	if out, _ := s.filter(udpProps("127.0.0.1:5999"), []byte(many)); out != nil {
		t.Error("a datagram with too many headers passed")
	}
	if s.total.Oversize != 2 {
		t.Errorf("oversize count %d, want 2", s.total.Oversize)
	}
}

func TestShieldForgetsIdleSources(t *testing.T) {
	var log bytes.Buffer
	s, now := testShield(&log)
	for i := range maxSources + 10 {
		a := net.UDPAddr{IP: net.IPv4(10, byte(i>>16), byte(i>>8), byte(i)), Port: 5060}
		s.filter(sip.TransportReadProps{Transport: "UDP", RemoteAddr: &a}, []byte(invite))
		*now = now.Add(time.Millisecond)
	}
	if n := len(s.buckets); n > maxSources {
		t.Errorf("%d sources remembered, want at most %d", n, maxSources)
	}
}

func netipAddrPort(t *testing.T, s string) netip.AddrPort {
	t.Helper()
	ap, err := netip.ParseAddrPort(s)
	if err != nil {
		t.Fatal(err)
	}
	return ap
}

// Over its rate, a datagram is dropped and the listener reads on; a
// stream connection is closed.
func TestShieldNeverStopsTheDatagramListener(t *testing.T) {
	var log bytes.Buffer
	s, _ := testShield(&log)
	tcp := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 5999}
	udp := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 2), Port: 5999}
	var streamErr error
	for range SourceBurst + 1 {
		if _, err := s.filter(sip.TransportReadProps{Transport: "UDP", RemoteAddr: udp}, []byte(invite)); err != nil {
			t.Fatalf("a datagram over the rate returned %v: sipgo would stop reading", err)
		}
		_, streamErr = s.filter(sip.TransportReadProps{Transport: "TCP", RemoteAddr: tcp}, []byte(invite))
	}
	if streamErr == nil {
		t.Error("a stream over its rate was not closed")
	}
}
