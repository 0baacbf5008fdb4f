package sip

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

var quietLog = slog.New(slog.DiscardHandler)

// listenUA starts a UA on a free loopback port, closed when the test ends.
func listenUA(t *testing.T, opts ...Option) *UA {
	t.Helper()
	ua, err := Listen("127.0.0.1:0", append([]Option{WithLogger(quietLog)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	return ua
}

// received is one request that reached the fake registrar.
type received struct {
	msg  *sip.Request
	raw  string
	from net.Addr
}

// fakeRegistrar answers REGISTERs on a loopback UDP socket with the raw
// text its handler returns ("" to stay silent). Retransmissions (same Via
// branch) get the same answer and are not handed to the handler again.
type fakeRegistrar struct {
	conn net.PacketConn
	mu   sync.Mutex
	got  []received
	bad  []string
}

func newFakeRegistrar(t *testing.T, handle func(n int, req *sip.Request) string) *fakeRegistrar {
	t.Helper()
	f := &fakeRegistrar{}
	t.Cleanup(func() { // after serveUDP's own clean-up: the socket is closed
		for _, b := range f.bad {
			t.Errorf("fake registrar got an unparsable message: %s", b)
		}
	})
	f.conn = serveUDP(t, func(req *sip.Request, raw string, from net.Addr) string {
		f.mu.Lock()
		i := len(f.got)
		f.got = append(f.got, received{req, raw, from})
		f.mu.Unlock()
		return handle(i, req)
	}, nil, func(b string) {
		f.mu.Lock()
		f.bad = append(f.bad, b)
		f.mu.Unlock()
	})
	return f
}

// serveUDP plays a SIP server on a loopback UDP socket until the test
// ends: answer gives the raw answer to a new request ("" to stay silent);
// a retransmission (same Via branch) gets the same answer without asking
// again. Responses go to onResponse; what does not parse, and responses
// when onResponse is nil, go to bad.
func serveUDP(t *testing.T, answer func(req *sip.Request, raw string, from net.Addr) string, onResponse func(*sip.Response), bad func(string)) net.PacketConn {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		answers := map[string]string{}
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			raw := string(buf[:n])
			msg, err := sip.ParseMessage([]byte(raw))
			if res, ok := msg.(*sip.Response); err == nil && ok && onResponse != nil {
				onResponse(res)
				continue
			}
			req, ok := msg.(*sip.Request)
			if err != nil || !ok || req.Via() == nil {
				bad(fmt.Sprintf("%v: %q", err, raw))
				continue
			}
			// A retransmission has the branch and method of the original;
			// a CANCEL shares only the branch of the INVITE it cancels.
			branch, _ := req.Via().Params.Get("branch")
			key := branch + " " + string(req.Method)
			a, seen := answers[key]
			if !seen {
				a = answer(req, raw, from)
				answers[key] = a
			}
			if a != "" {
				conn.WriteTo([]byte(a), from)
			}
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	return conn
}

func (f *fakeRegistrar) addr() string { return f.conn.LocalAddr().String() }

func (f *fakeRegistrar) requests() []received {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]received(nil), f.got...)
}

func TestListenSharesPort(t *testing.T) {
	ua := listenUA(t)
	port := ua.Port()
	if port == 0 || !ua.Addr().IP.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("Addr = %v", ua.Addr())
	}
	if tp := ua.tcp.Addr().(*net.TCPAddr).Port; tp != port {
		t.Fatalf("TCP port %d, UDP port %d", tp, port)
	}
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	if c, err := net.ListenPacket("udp", addr); err == nil {
		c.Close()
		t.Errorf("UDP %s is not bound by the UA", addr)
	}
	c, err := net.DialTimeout("tcp", addr, 2*time.Second)
	if err != nil {
		t.Fatalf("TCP %s: %v", addr, err)
	}
	c.Close()
}

func TestListenExplicitPortTaken(t *testing.T) {
	udp, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer udp.Close()
	if ua, err := Listen(udp.LocalAddr().String(), WithLogger(quietLog)); err == nil {
		ua.Close()
		t.Errorf("Listen on a taken UDP port succeeded")
	}

	// Only TCP taken: the error must also release the UDP socket.
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer tcp.Close()
	addr := tcp.Addr().String()
	probe, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Skipf("UDP %s is in use elsewhere", addr)
	}
	probe.Close()
	if ua, err := Listen(addr, WithLogger(quietLog)); err == nil {
		ua.Close()
		t.Fatalf("Listen on a taken TCP port succeeded")
	}
	probe, err = net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("the failed Listen kept UDP %s: %v", addr, err)
	}
	probe.Close()
}

func TestListenBadAddress(t *testing.T) {
	for _, a := range []string{"nonsense", "127.0.0.1:70000", "127.0.0.1:sip", "127.0.0.1:-1"} {
		if ua, err := Listen(a, WithLogger(quietLog)); err == nil {
			ua.Close()
			t.Errorf("Listen(%q) succeeded", a)
		}
	}
}

func TestListenDefaultIsEphemeral(t *testing.T) {
	ua, err := Listen("", WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	if ua.Port() == DefaultPort || ua.Port() == 0 || ua.tcp.Addr().(*net.TCPAddr).Port != ua.Port() {
		t.Errorf("UDP port %d, TCP %v", ua.Port(), ua.tcp.Addr())
	}
}

func TestCloseIdempotent(t *testing.T) {
	ua, err := Listen("127.0.0.1:0", WithLogger(quietLog))
	if err != nil {
		t.Fatal(err)
	}
	addr := ua.Addr().String()
	if err := ua.Close(); err != nil {
		t.Logf("first Close: %v", err)
	}
	if err := ua.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	// Both sockets are released.
	c, err := net.ListenPacket("udp", addr)
	if err != nil {
		t.Fatalf("UDP %s still bound after Close: %v", addr, err)
	}
	c.Close()
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("TCP %s still bound after Close: %v", addr, err)
	}
	l.Close()
}

func rawRequest(method, local string, ua *UA, proto string) string {
	return fmt.Sprintf("%s sip:%s SIP/2.0\r\n"+
		"Via: SIP/2.0/%s %s;branch=z9hG4bK%s%d\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:probe@127.0.0.1>;tag=probe1\r\n"+
		"To: <sip:%s>\r\n"+
		"Call-ID: probe-%s@127.0.0.1\r\n"+
		"CSeq: 1 %s\r\n"+
		"Content-Length: 0\r\n\r\n",
		method, ua.Addr(), proto, local, method, time.Now().UnixNano(), ua.Addr(), method, method)
}

func exchangeUDP(t *testing.T, ua *UA, method string) *sip.Response {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WriteTo([]byte(rawRequest(method, c.LocalAddr().String(), ua, "UDP")), ua.Addr()); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 65536)
	n, _, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("%s: no answer: %v", method, err)
	}
	return parseAnswer(t, buf[:n])
}

func parseAnswer(t *testing.T, raw []byte) *sip.Response {
	t.Helper()
	msg, err := sip.ParseMessage(raw)
	if err != nil {
		t.Fatalf("parse %q: %v", raw, err)
	}
	res, ok := msg.(*sip.Response)
	if !ok {
		t.Fatalf("not a response: %q", raw)
	}
	return res
}

func checkOptionsAnswer(t *testing.T, res *sip.Response) {
	t.Helper()
	if res.StatusCode != 200 || res.CSeq().MethodName != sip.OPTIONS {
		t.Fatalf("OPTIONS answered %d %s (%v)", res.StatusCode, res.Reason, res.CSeq())
	}
	allow := res.GetHeader("Allow")
	if allow == nil {
		t.Fatal("200 to OPTIONS without Allow")
	}
	for _, m := range []string{"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS"} {
		if !strings.Contains(allow.Value(), m) {
			t.Errorf("Allow %q lacks %s", allow.Value(), m)
		}
	}
}

func TestOptionsAndUnknownMethodUDP(t *testing.T) {
	ua := listenUA(t, WithUserAgent("test-phone"))
	checkOptionsAnswer(t, exchangeUDP(t, ua, "OPTIONS"))
	for _, m := range []string{"SUBSCRIBE", "PUBLISH"} {
		if res := exchangeUDP(t, ua, m); res.StatusCode != 405 {
			t.Errorf("%s answered %d %s, want 405", m, res.StatusCode, res.Reason)
		}
	}
}

func TestOptionsTCP(t *testing.T) {
	ua := listenUA(t)
	c, err := net.DialTimeout("tcp", ua.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, rawRequest("OPTIONS", c.LocalAddr().String(), ua, "TCP")); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	br := bufio.NewReader(c)
	var head strings.Builder
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("reading answer after %q: %v", head.String(), err)
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	checkOptionsAnswer(t, parseAnswer(t, []byte(head.String())))
}
