package testlab

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"sync"
	"testing"
	"time"
)

// CapturedPacket is one UDP datagram seen on the loopback interface.
type CapturedPacket struct {
	Src, Dst netip.AddrPort
	Payload  []byte // the UDP payload
	Time     time.Time
}

// Capture records the UDP datagrams to or from a set of ports on the loopback
// interface (IPv4 and IPv6), as a packet sniffer would: what the test checks
// is what went over the wire, not what either end says it sent.
type Capture struct {
	ports map[uint16]bool
	sock  *os.File
	done  chan struct{} // closed when the reader has returned

	mu       sync.Mutex // guards pkts, changed, stopping, ended and readErr
	pkts     []CapturedPacket
	changed  chan struct{} // closed and replaced on every packet and when the reader ends
	stopping bool          // Stop closes the socket: the reader's error is expected
	ended    bool          // the reader has returned
	readErr  error         // why, when not Stop

	stopOnce sync.Once
}

// errCaptureUnsupported is what opening the packet socket returns where
// there is no AF_PACKET.
var errCaptureUnsupported = errors.New("packet capture needs Linux (AF_PACKET)")

// StartCapture starts recording UDP datagrams whose source or destination
// port is one of ports (PortRange helps with baresip's RTP range) on the
// loopback interface. It needs an AF_PACKET socket, so root or CAP_NET_RAW:
// without it the test fails when CI=true and is skipped otherwise; -short
// skips it. t.Cleanup stops it.
func StartCapture(t testing.TB, ports ...int) *Capture {
	t.Helper()
	if testing.Short() {
		t.Skip("testlab: packet capture needs a raw socket; not in -short")
	}
	if len(ports) == 0 {
		t.Fatal("testlab: StartCapture: no ports")
	}
	c := &Capture{ports: make(map[uint16]bool), done: make(chan struct{}), changed: make(chan struct{})}
	for _, p := range ports {
		if p <= 0 || p > 65535 {
			t.Fatalf("testlab: StartCapture: port %d", p)
		}
		c.ports[uint16(p)] = true
	}
	sock, err := openLoopbackCapture()
	if err != nil {
		if errors.Is(err, os.ErrPermission) || errors.Is(err, errCaptureUnsupported) {
			unavailable(t, "testlab: cannot capture on loopback ("+err.Error()+"): run as root or grant CAP_NET_RAW")
		}
		t.Fatalf("testlab: capture on loopback: %v", err)
	}
	c.sock = sock
	go c.readLoop()
	t.Cleanup(c.Stop)
	return c
}

// PortRange returns the ports lo..hi, e.g. a Baresip's RTPPorts.
func PortRange(lo, hi int) []int {
	var ps []int
	for p := lo; p <= hi; p++ {
		ps = append(ps, p)
	}
	return ps
}

// readLoop records datagrams until the socket is closed.
func (c *Capture) readLoop() {
	defer close(c.done)
	err := readLoopback(c.sock, func(frame []byte) {
		p, ok := parseLoopbackFrame(frame)
		if !ok || !c.ports[p.Src.Port()] && !c.ports[p.Dst.Port()] {
			return
		}
		p.Time = time.Now()
		c.mu.Lock()
		c.pkts = append(c.pkts, p)
		close(c.changed)
		c.changed = make(chan struct{})
		c.mu.Unlock()
	})
	c.mu.Lock()
	if !c.stopping {
		c.readErr = err
	}
	c.ended = true
	close(c.changed)
	c.changed = make(chan struct{})
	c.mu.Unlock()
}

// Stop ends the capture; what was recorded stays readable. Stopping twice is
// a no-op.
func (c *Capture) Stop() {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		c.stopping = true
		c.mu.Unlock()
		c.sock.Close() // wakes the reader
		<-c.done
	})
}

// Err returns why the capture ended by itself, if it did.
func (c *Capture) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.readErr
}

// All returns every datagram recorded so far, oldest first.
func (c *Capture) All() []CapturedPacket {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]CapturedPacket(nil), c.pkts...)
}

// Packets returns the datagrams recorded so far whose source or destination
// port is port, oldest first.
func (c *Capture) Packets(port int) []CapturedPacket {
	var out []CapturedPacket
	for _, p := range c.All() {
		if int(p.Src.Port()) == port || int(p.Dst.Port()) == port {
			out = append(out, p)
		}
	}
	return out
}

// WaitPackets waits until at least n datagrams have been recorded.
func (c *Capture) WaitPackets(ctx context.Context, n int) error {
	for {
		c.mu.Lock()
		have, changed, ended, err := len(c.pkts), c.changed, c.ended, c.readErr
		c.mu.Unlock()
		switch {
		case have >= n:
			return nil
		case err != nil:
			return fmt.Errorf("testlab: capture: %w", err)
		case ended:
			return fmt.Errorf("testlab: capture stopped with %d of %d datagrams", have, n)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("testlab: capture: %d of %d datagrams: %w", have, n, ctx.Err())
		}
	}
}

// Payloads returns the UDP payloads of pkts.
func Payloads(pkts []CapturedPacket) [][]byte {
	out := make([][]byte, len(pkts))
	for i, p := range pkts {
		out[i] = p.Payload
	}
	return out
}

// Frame layout on the loopback interface: a 14-byte Ethernet header (zero
// addresses) before the IP packet.
const (
	ethHeaderLen = 14
	etherTypeV4  = 0x0800
	etherTypeV6  = 0x86dd
	ipProtoUDP   = 17
	udpHeaderLen = 8
)

// parseLoopbackFrame extracts a UDP datagram from a loopback frame. Fragments
// and IPv6 extension headers are not followed: loopback's 64 KiB MTU does not
// fragment media, and nothing here sends extension headers.
func parseLoopbackFrame(frame []byte) (CapturedPacket, bool) {
	if len(frame) < ethHeaderLen {
		return CapturedPacket{}, false
	}
	ip := frame[ethHeaderLen:]
	var src, dst netip.Addr
	var udp []byte
	switch binary.BigEndian.Uint16(frame[12:14]) {
	case etherTypeV4:
		if len(ip) < 20 || ip[0]>>4 != 4 || ip[9] != ipProtoUDP {
			return CapturedPacket{}, false
		}
		ihl := int(ip[0]&0x0f) * 4
		total := int(binary.BigEndian.Uint16(ip[2:4]))
		if binary.BigEndian.Uint16(ip[6:8])&0x3fff != 0 || ihl < 20 || total < ihl || total > len(ip) {
			return CapturedPacket{}, false // a fragment, or truncated
		}
		src = netip.AddrFrom4([4]byte(ip[12:16]))
		dst = netip.AddrFrom4([4]byte(ip[16:20]))
		udp = ip[ihl:total]
	case etherTypeV6:
		if len(ip) < 40 || ip[0]>>4 != 6 || ip[6] != ipProtoUDP {
			return CapturedPacket{}, false
		}
		plen := int(binary.BigEndian.Uint16(ip[4:6]))
		if 40+plen > len(ip) {
			return CapturedPacket{}, false
		}
		src = netip.AddrFrom16([16]byte(ip[8:24]))
		dst = netip.AddrFrom16([16]byte(ip[24:40]))
		udp = ip[40 : 40+plen]
	default:
		return CapturedPacket{}, false
	}
	if len(udp) < udpHeaderLen {
		return CapturedPacket{}, false
	}
	ulen := int(binary.BigEndian.Uint16(udp[4:6]))
	if ulen < udpHeaderLen || ulen > len(udp) {
		return CapturedPacket{}, false
	}
	return CapturedPacket{
		Src:     netip.AddrPortFrom(src, binary.BigEndian.Uint16(udp[0:2])),
		Dst:     netip.AddrPortFrom(dst, binary.BigEndian.Uint16(udp[2:4])),
		Payload: append([]byte(nil), udp[udpHeaderLen:ulen]...),
	}, true
}
