package testlab

import (
	"bytes"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Scanner sends INVITEs from its own UDP socket the way SIP scanners do
// (friendly-scanner, sipvicious): a fresh Call-ID each, no retransmission,
// never a CANCEL, and no ACK for an error (the phone must not wait for
// one). It acknowledges a 200 so an answered call can go on. It counts
// the calls' first final answers by status code.
type Scanner struct {
	conn *net.UDPConn
	to   *net.UDPAddr

	mu    sync.Mutex // guards codes and answered
	codes map[int]int
	// answered: the calls that had their final answer (retransmissions
	// of it are not counted again).
	answered map[string]bool
	done     chan struct{}
}

// NewScanner aims a scanner at target ("host:port", UDP); it stops with the test.
func NewScanner(t testing.TB, target string) *Scanner {
	t.Helper()
	to, err := net.ResolveUDPAddr("udp", target)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	s := &Scanner{conn: conn, to: to, codes: map[int]int{}, answered: map[string]bool{}, done: make(chan struct{})}
	go s.read()
	t.Cleanup(func() {
		conn.Close()
		<-s.done
	})
	return s
}

func (s *Scanner) read() {
	defer close(s.done)
	buf := make([]byte, 65536)
	for {
		n, _, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		line, _, _ := bytes.Cut(buf[:n], []byte("\r\n"))
		f := strings.Fields(string(line))
		if len(f) < 2 || f[0] != "SIP/2.0" {
			continue
		}
		code, err := strconv.Atoi(f[1])
		if err != nil || code < 200 {
			continue
		}
		h := headers(buf[:n])
		if code/100 == 2 {
			s.ack(h)
		}
		s.mu.Lock()
		if !s.answered[h["call-id"]] {
			s.answered[h["call-id"]] = true
			s.codes[code]++
		}
		s.mu.Unlock()
	}
}

// headers are a message's header values by lower-case name (the first
// of each).
func headers(msg []byte) map[string]string {
	head, _, _ := bytes.Cut(msg, []byte("\r\n\r\n"))
	out := map[string]string{}
	for _, l := range strings.Split(string(head), "\r\n")[1:] {
		k, v, ok := strings.Cut(l, ":")
		k = strings.ToLower(strings.TrimSpace(k))
		if ok && out[k] == "" {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// ack acknowledges a 2xx whose headers are h, at its Contact.
func (s *Scanner) ack(h map[string]string) {
	target := strings.Trim(h["contact"], "<>")
	if i := strings.Index(target, ">"); i >= 0 {
		target = target[:i]
	}
	num, _, _ := strings.Cut(h["cseq"], " ")
	local := s.conn.LocalAddr()
	msg := fmt.Sprintf("ACK %s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-ack-%s\r\nMax-Forwards: 70\r\n"+
		"From: %s\r\nTo: %s\r\nCall-ID: %s\r\nCSeq: %s ACK\r\nContent-Length: 0\r\n\r\n",
		target, local, strings.ReplaceAll(h["call-id"], "@", "-"), h["from"], h["to"], h["call-id"], num)
	_, _ = s.conn.WriteTo([]byte(msg), s.to)
}

// Invite sends INVITE number i to sip:user@target with a PCMU offer.
func (s *Scanner) Invite(user string, i int) error {
	local := s.conn.LocalAddr().(*net.UDPAddr)
	sdp := fmt.Sprintf("v=0\r\no=- %d 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"+
		"m=audio %d RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n", i, 30000+2*(i%1000))
	msg := fmt.Sprintf("INVITE sip:%[1]s@%[2]s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %[3]s;branch=z9hG4bK-scan-%[4]d-%[5]d\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: \"friendly-scanner\" <sip:100@%[3]s>;tag=scan%[4]d\r\n"+
		"To: <sip:%[1]s@%[2]s>\r\n"+
		"Call-ID: scan-%[4]d-%[5]d@%[3]s\r\n"+
		"CSeq: 1 INVITE\r\n"+
		"Contact: <sip:100@%[3]s>\r\n"+
		"User-Agent: friendly-scanner\r\n"+
		"Content-Type: application/sdp\r\n"+
		"Content-Length: %[6]d\r\n\r\n%[7]s",
		user, s.to, local, i, local.Port, len(sdp), sdp)
	_, err := s.conn.WriteTo([]byte(msg), s.to)
	return err
}

// Answers is how many final answers of code arrived so far.
func (s *Scanner) Answers(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.codes[code]
}

// Summary lists the final answers by code.
func (s *Scanner) Summary() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Sprint(s.codes)
}

// WaitAnswers waits until n answers of code arrived.
func (s *Scanner) WaitAnswers(t testing.TB, code, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for s.Answers(code) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d answers %d after %v, want %d (all: %s)", s.Answers(code), code, within, n, s.Summary())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
