package nat

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"
)

var loopback = netip.MustParseAddr("127.0.0.1")

func listen(t *testing.T, cfg Config) *Path {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := Listen(ctx, loopback, cfg)
	if err != nil {
		t.Fatalf("Listen: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// remoteOf is what p's SDP would tell the far end.
func remoteOf(p *Path, controlling bool) Remote {
	r := Remote{Addr: p.Addr(), Controlling: controlling}
	if l := p.Local(); l != nil {
		r.Ufrag, r.Pwd, r.Candidates = l.Ufrag, l.Pwd, l.Candidates
	}
	return r
}

// connect runs both Connects at once (a controlling), as two phones do.
func connect(t *testing.T, a, b *Path) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	errs := make(chan error, 2)
	go func() { errs <- a.Connect(ctx, remoteOf(b, true)) }()
	go func() { errs <- b.Connect(ctx, remoteOf(a, false)) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("Connect: %v", err)
		}
	}
}

type readResult struct {
	b    []byte
	from netip.AddrPort
	err  error
}

// recv waits up to 5 s for the next packet on p.
func recv(t *testing.T, p *Path) readResult {
	t.Helper()
	ch := make(chan readResult, 1)
	go func() {
		buf := make([]byte, 1500)
		n, from, err := p.ReadPacket(buf)
		ch <- readResult{buf[:n], from, err}
	}()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("ReadPacket: %v", r.err)
		}
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no packet within 5 s")
	}
	return readResult{}
}

// rtpLike is a packet Classify calls RTP, tagged so each test packet is
// told apart.
func rtpLike(tag string) []byte { return append([]byte{0x80, 0x00}, tag...) }

// exchange sends one packet each way and checks contents; it returns the
// sources each side saw.
func exchange(t *testing.T, a, b *Path) (fromA, fromB netip.AddrPort) {
	t.Helper()
	if err := a.WritePacket(rtpLike("a->b")); err != nil {
		t.Fatalf("a write: %v", err)
	}
	r := recv(t, b)
	if string(r.b[2:]) != "a->b" {
		t.Fatalf("b got %q", r.b)
	}
	fromA = r.from
	if err := b.WritePacket(rtpLike("b->a")); err != nil {
		t.Fatalf("b write: %v", err)
	}
	r = recv(t, a)
	if string(r.b[2:]) != "b->a" {
		t.Fatalf("a got %q", r.b)
	}
	return fromA, r.from
}

func TestICEHostPair(t *testing.T) {
	a, b := listen(t, Config{ICE: true}), listen(t, Config{ICE: true})
	for _, p := range []*Path{a, b} {
		l := p.Local()
		if l == nil || l.Ufrag == "" || l.Pwd == "" || len(l.Candidates) == 0 {
			t.Fatalf("Local() = %+v", l)
		}
		for _, c := range l.Candidates {
			if !strings.Contains(c, " 127.0.0.1 ") {
				t.Errorf("candidate off the bind address: %s", c)
			}
		}
		if !strings.Contains(l.Candidates[0], " "+itoa(p.Addr().Port())+" typ host") {
			t.Errorf("host candidate %q is not the socket %s", l.Candidates[0], p.Addr())
		}
	}
	connect(t, a, b)
	if a.Selected() != "host" || b.Selected() != "host" {
		t.Fatalf("Selected = %q, %q; want host", a.Selected(), b.Selected())
	}
	fromA, fromB := exchange(t, a, b)
	if fromA != a.Addr() || fromB != b.Addr() {
		t.Fatalf("sources %s, %s; want %s, %s", fromA, fromB, a.Addr(), b.Addr())
	}
}

func itoa(port uint16) string { return netip.AddrPortFrom(loopback, port).String()[len("127.0.0.1:"):] }

// TestICEOfferPlainAnswer: our ICE offer answered by a peer without ICE
// uses the host socket directly.
func TestICEOfferPlainAnswer(t *testing.T) {
	a, b := listen(t, Config{ICE: true}), listen(t, Config{})
	if b.Local() != nil {
		t.Fatal("plain path has ICE credentials")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := a.Connect(ctx, Remote{Addr: b.Addr(), Controlling: true}); err != nil {
		t.Fatal(err)
	}
	// The plain peer ignores the offer's ICE attributes.
	if err := b.Connect(ctx, Remote{Addr: a.Addr()}); err != nil {
		t.Fatal(err)
	}
	fromA, fromB := exchange(t, a, b)
	if fromA != a.Addr() || fromB != b.Addr() {
		t.Fatalf("sources %s, %s", fromA, fromB)
	}
	if a.Selected() != "" || b.Selected() != "" {
		t.Fatalf("Selected = %q, %q without ICE", a.Selected(), b.Selected())
	}
}

// TestPlainLatches: a peer whose SDP address is wrong (NAT) is answered
// where its packets come from.
func TestPlainLatches(t *testing.T) {
	a, b := listen(t, Config{}), listen(t, Config{})
	ctx := context.Background()
	if err := a.Connect(ctx, Remote{Addr: b.Addr()}); err != nil {
		t.Fatal(err)
	}
	wrong := netip.AddrPortFrom(loopback, 9) // discard: nobody listens
	if err := b.Connect(ctx, Remote{Addr: wrong}); err != nil {
		t.Fatal(err)
	}
	exchange(t, a, b)
}

// TestReadSkipsSTUN: STUN on a plain path never reaches ReadPacket.
func TestReadSkipsSTUN(t *testing.T) {
	p := listen(t, Config{})
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(p.Addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	stunReq := make([]byte, 20)
	stunReq[1], stunReq[4], stunReq[5], stunReq[6], stunReq[7] = 1, 0x21, 0x12, 0xA4, 0x42
	c.Write(stunReq)
	c.Write(rtpLike("media"))
	if r := recv(t, p); string(r.b) != string(rtpLike("media")) {
		t.Fatalf("read %x, want the RTP packet", r.b)
	}
}

func TestNotConnectedAndClosed(t *testing.T) {
	p := listen(t, Config{ICE: true})
	if err := p.WritePacket(rtpLike("x")); !errors.Is(err, ErrNotConnected) {
		t.Fatalf("write before Connect: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, _, err := p.ReadPacket(make([]byte, 10))
		done <- err
	}()
	p.Close()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("ReadPacket after Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("ReadPacket still blocked after Close")
	}
	if err := p.WritePacket(rtpLike("x")); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("write after Close: %v", err)
	}
}

func TestListenBadConfig(t *testing.T) {
	ctx := context.Background()
	for name, tc := range map[string]struct {
		bind netip.Addr
		cfg  Config
	}{
		"ICE on 0.0.0.0":      {netip.IPv4Unspecified(), Config{ICE: true}},
		"relay without TURN":  {loopback, Config{ICE: true, RelayOnly: true}},
		"bad STUN":            {loopback, Config{ICE: true, STUN: "nohostport"}},
		"inverted port range": {loopback, Config{Ports: struct{ Min, Max int }{2000, 1000}}},
	} {
		p, err := Listen(ctx, tc.bind, tc.cfg)
		if !errors.Is(err, ErrConfig) {
			if p != nil {
				p.Close()
			}
			t.Errorf("%s: err = %v, want ErrConfig", name, err)
		}
	}
}

func TestPortRange(t *testing.T) {
	var cfg Config
	cfg.Ports.Min, cfg.Ports.Max = 41000, 41009
	p := listen(t, cfg)
	if port := p.Addr().Port(); port < 41000 || port > 41009 {
		t.Fatalf("port %d outside 41000-41009", port)
	}
}

// silentPeer is a socket that receives ICE checks and never answers.
func silentPeer(t *testing.T) (*net.UDPConn, Remote) {
	t.Helper()
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	addr := c.LocalAddr().(*net.UDPAddr).AddrPort()
	return c, Remote{
		Addr: addr, Ufrag: "silentufrag", Pwd: "silentpasswordsilentpassword",
		Candidates:  []string{"1 1 udp 2130706431 127.0.0.1 " + itoa(addr.Port()) + " typ host"},
		Controlling: true,
	}
}

// awaitCheck waits for the first STUN packet on c: the checks are running.
func awaitCheck(t *testing.T, c *net.UDPConn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1500)
	for {
		n, _, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatalf("no ICE check reached the silent peer: %v", err)
		}
		if n >= 20 && buf[0] <= 3 {
			return
		}
	}
}

func TestConnectCancelSilentRemote(t *testing.T) {
	p := listen(t, Config{ICE: true})
	peer, r := silentPeer(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Connect(ctx, r) }()
	awaitCheck(t, peer)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Connect = %v, want context.Canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("Connect did not return within 1 s of the cancel")
	}
}

func TestCloseDuringConnect(t *testing.T) {
	p := listen(t, Config{ICE: true})
	peer, r := silentPeer(t)
	done := make(chan error, 1)
	go func() { done <- p.Connect(context.Background(), r) }()
	awaitCheck(t, peer)
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case err := <-done:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("Connect = %v, want net.ErrClosed", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Connect did not return after Close")
	}
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
}

// TestICEHostPairIPv6: the same on ::1, where the agent gathers udp6 only.
func TestICEHostPairIPv6(t *testing.T) {
	v6 := netip.IPv6Loopback()
	if c, err := net.ListenUDP("udp6", net.UDPAddrFromAddrPort(netip.AddrPortFrom(v6, 0))); err != nil {
		t.Skipf("no ::1 here: %v", err)
	} else {
		c.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var paths [2]*Path
	for i := range paths {
		p, err := Listen(ctx, v6, Config{ICE: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		for _, c := range p.Local().Candidates {
			if !strings.Contains(c, " ::1 ") {
				t.Errorf("candidate off ::1: %s", c)
			}
		}
		paths[i] = p
	}
	connect(t, paths[0], paths[1])
	fromA, fromB := exchange(t, paths[0], paths[1])
	if fromA != paths[0].Addr() || fromB != paths[1].Addr() {
		t.Fatalf("sources %s, %s; want %s, %s", fromA, fromB, paths[0].Addr(), paths[1].Addr())
	}
}

// TestListenCtxBoundsGathering: a TURN server that never answers (the
// discard port) holds gathering for seconds; ctx ends the wait, and the
// half-built path is released without waiting for it either.
func TestListenCtxBoundsGathering(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	p, err := Listen(ctx, loopback, Config{ICE: true, TURN: "127.0.0.1:9", TURNUser: "u", TURNPass: "p"})
	if !errors.Is(err, context.DeadlineExceeded) {
		if p != nil {
			p.Close()
		}
		t.Fatalf("Listen = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Listen returned %v after its 300 ms deadline", d)
	}
}

// TestListenGoesOnWithoutADeadServer: a STUN server that never answers
// costs the path its server-reflexive candidate, not the call: Listen
// returns after gatherLimit with the host candidate.
func TestListenGoesOnWithoutADeadServer(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	p, err := Listen(ctx, loopback, Config{ICE: true, STUN: "127.0.0.1:9"})
	if err != nil {
		t.Fatalf("Listen with a dead STUN server: %v", err)
	}
	defer p.Close()
	if d := time.Since(start); d > gatherLimit+time.Second {
		t.Fatalf("Listen took %v, want about %v", d, gatherLimit)
	}
	l := p.Local()
	if l == nil || len(l.Candidates) == 0 || !strings.Contains(l.Candidates[0], "typ host") {
		t.Fatalf("candidates %+v, want the host one", l)
	}
}

// TestQueueReusesBuffers: a media packet passing from the socket's reader
// to ReadPacket allocates nothing once the path has run a little.
func TestQueueReusesBuffers(t *testing.T) {
	p := &Path{in: make(chan packet, mediaQueue), free: make(chan []byte, spareBuffers), done: make(chan struct{})}
	pkt, buf := make([]byte, 172), make([]byte, 1500)
	from := netip.MustParseAddrPort("198.18.0.1:4000")
	pass := func() {
		p.queue(pkt, from)
		if n, got, err := p.ReadPacket(buf); err != nil || n != len(pkt) || got != from {
			t.Fatalf("ReadPacket %d %v %v", n, got, err)
		}
	}
	pass()
	if a := testing.AllocsPerRun(100, pass); a != 0 {
		t.Fatalf("%.1f allocations per packet, want 0", a)
	}
}
