package media

import (
	"errors"
	"net"
	"net/netip"
	"os"
	"testing"
	"time"
)

// fakePath is a PacketPath fed by the test.
type fakePath struct {
	in     chan []byte
	out    chan []byte
	closed chan struct{}
}

func newFakePath() *fakePath {
	return &fakePath{in: make(chan []byte, 16), out: make(chan []byte, 16), closed: make(chan struct{})}
}

var fakeFrom = netip.MustParseAddrPort("198.18.0.9:4000")

func (p *fakePath) ReadPacket(buf []byte) (int, netip.AddrPort, error) {
	select {
	case b := <-p.in:
		return copy(buf, b), fakeFrom, nil
	case <-p.closed:
		return 0, netip.AddrPort{}, net.ErrClosed
	}
}

func (p *fakePath) WritePacket(b []byte) error {
	p.out <- append([]byte(nil), b...)
	return nil
}

func (p *fakePath) Close() error {
	select {
	case <-p.closed:
	default:
		close(p.closed)
	}
	return nil
}

func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		p    []byte
		want PacketKind
	}{
		{nil, KindUnknown},
		{[]byte{0, 1}, KindSTUN},
		{[]byte{22, 254}, KindDTLS},
		{[]byte{0x80, 0}, KindRTP},
		{[]byte{0x80, 0x80 | 101}, KindRTP}, // marker + telephone-event
		{[]byte{0x80, 200}, KindRTCP},       // SR
		{[]byte{0x81, 201}, KindRTCP},       // RR
		{[]byte{0x80}, KindUnknown},
		{[]byte{100, 0}, KindUnknown},
	} {
		if got := Classify(tc.p); got != tc.want {
			t.Errorf("Classify(%v) = %d, want %d", tc.p, got, tc.want)
		}
	}
}

func TestPacketTransportSorts(t *testing.T) {
	path := newFakePath()
	tr := NewPacketTransport(path, 0)
	defer tr.Close()
	rtpPkt := []byte{0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa}
	rtcpPkt := []byte{0x81, 201, 0, 1, 0, 0, 0, 1}
	dtlsRec := []byte{22, 254, 253, 0, 0}
	path.in <- []byte{0, 1, 0, 0} // STUN: dropped
	path.in <- dtlsRec
	path.in <- rtcpPkt
	path.in <- rtpPkt

	buf := make([]byte, 1500)
	n, err := tr.ReadRTCP(buf)
	if err != nil || string(buf[:n]) != string(rtcpPkt) {
		t.Fatalf("ReadRTCP %x, %v", buf[:n], err)
	}
	dc := tr.DTLS()
	_ = dc.SetReadDeadline(time.Now().Add(time.Second))
	if n, err := dc.Read(buf); err != nil || string(buf[:n]) != string(dtlsRec) {
		t.Fatalf("DTLS read %x, %v", buf[:n], err)
	}
	deadline := time.Now().Add(time.Second)
	for {
		n, from, _, ok, err := tr.NextRTP(buf)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if string(buf[:n]) != string(rtpPkt) || from != fakeFrom {
				t.Fatalf("NextRTP %x from %v", buf[:n], from)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the RTP packet never came out of NextRTP")
		}
		time.Sleep(time.Millisecond)
	}
	if _, _, _, ok, _ := tr.NextRTP(buf); ok {
		t.Fatal("NextRTP returned a packet that was not sent (the STUN one?)")
	}
	if err := tr.SendRTP(rtpPkt, netip.AddrPort{}); err != nil || string(<-path.out) != string(rtpPkt) {
		t.Fatalf("SendRTP: %v", err)
	}
}

func TestPacketTransportClose(t *testing.T) {
	tr := NewPacketTransport(newFakePath(), 0)
	dc := tr.DTLS()
	_ = dc.SetReadDeadline(time.Now().Add(20 * time.Millisecond))
	if _, err := dc.Read(make([]byte, 10)); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("DTLS read past its deadline: %v", err)
	}
	_ = dc.SetReadDeadline(time.Time{})
	done := make(chan error, 2)
	go func() { _, err := dc.Read(make([]byte, 10)); done <- err }()
	go func() { _, err := tr.ReadRTCP(make([]byte, 10)); done <- err }()
	time.Sleep(10 * time.Millisecond)
	tr.Close()
	for range 2 {
		select {
		case err := <-done:
			if !errors.Is(err, net.ErrClosed) {
				t.Fatalf("blocked read ended with %v, want net.ErrClosed", err)
			}
		case <-time.After(2 * time.Second):
			t.Fatal("Close did not end a blocked read")
		}
	}
	if _, _, _, _, err := tr.NextRTP(make([]byte, 10)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("NextRTP after Close: %v", err)
	}
}

// TestConnRTCPMux: with rtcp-mux, RTCP arriving on the RTP socket comes
// out of ReadRTCP, not NextRTP, and RTCP is sent from the RTP socket.
func TestConnRTCPMux(t *testing.T) {
	a, err := Listen(loopback, PortRange{Min: 20000, Max: 40000})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := Listen(loopback, PortRange{Min: 20000, Max: 40000})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	a.SetRTCPMux(true)
	b.SetRTCPMux(true)
	toB := netip.AddrPortFrom(loopback, uint16(b.Port()))
	rtcpPkt := []byte{0x81, 201, 0, 1, 0, 0, 0, 1}
	rtpPkt := []byte{0x80, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xaa}
	if err := a.SendRTCP(rtcpPkt, toB); err != nil {
		t.Fatal(err)
	}
	if err := a.SendRTP(rtpPkt, toB); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 1500)
	deadline := time.Now().Add(2 * time.Second)
	for {
		n, _, _, ok, err := b.NextRTP(buf)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			if string(buf[:n]) != string(rtpPkt) {
				t.Fatalf("NextRTP gave %x, want the RTP packet only", buf[:n])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no RTP")
		}
		time.Sleep(time.Millisecond)
	}
	got := make(chan []byte, 1)
	go func() {
		n, err := b.ReadRTCP(buf)
		if err == nil {
			got <- append([]byte(nil), buf[:n]...)
		}
	}()
	select {
	case p := <-got:
		if string(p) != string(rtcpPkt) {
			t.Fatalf("ReadRTCP %x", p)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("RTCP on the RTP socket never reached ReadRTCP")
	}
}
