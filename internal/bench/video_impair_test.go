package bench

import (
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtcp"
)

func TestRelaySetLoss(t *testing.T) {
	t.Parallel()
	dst, src := relayListen(t), relayListen(t)
	r, err := NewRelay(latLoopback, dst.LocalAddr().(*net.UDPAddr).AddrPort(), RelayConfig{Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for _, bad := range []float64{-0.1, 1.5} {
		if err := r.SetLoss(bad); err == nil {
			t.Errorf("SetLoss(%v) accepted", bad)
		}
	}
	// Each phase sends n packets and waits until the relay has read them
	// all, so a phase's packets meet that phase's loss.
	const n = 600
	pkt := make([]byte, 8)
	var before RelayStats
	for _, loss := range []float64{0, 1, 0.2, 0} {
		if err := r.SetLoss(loss); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			if _, err := src.WriteToUDPAddrPort(pkt, r.Addr()); err != nil {
				t.Fatal(err)
			}
			if i%10 == 9 {
				time.Sleep(time.Millisecond)
			}
		}
		deadline := time.Now().Add(5 * time.Second)
		for r.Stats().Received < before.Received+n {
			if time.Now().After(deadline) {
				t.Fatalf("loss %v: the relay read %d of %d packets", loss, r.Stats().Received-before.Received, n)
			}
			time.Sleep(time.Millisecond)
		}
		st := r.Stats()
		within(t, "dropped share", int(st.Dropped-before.Dropped), n, loss)
		before = st
	}
}

// fakeTransport is a media.Transport that sends from a UDP socket and
// reads RTCP from a channel.
type fakeTransport struct {
	conn   *net.UDPConn
	rtcp   chan []byte
	closed bool
}

func (f *fakeTransport) SendRTP(pkt []byte, to netip.AddrPort) error {
	_, err := f.conn.WriteToUDPAddrPort(pkt, to)
	return err
}

func (f *fakeTransport) NextRTP([]byte) (int, netip.AddrPort, time.Time, bool, error) {
	return 0, netip.AddrPort{}, time.Time{}, false, nil
}

func (f *fakeTransport) SendRTCP(pkt []byte, to netip.AddrPort) error { return f.SendRTP(pkt, to) }

func (f *fakeTransport) ReadRTCP(buf []byte) (int, error) {
	p, ok := <-f.rtcp
	if !ok {
		return 0, net.ErrClosed
	}
	return copy(buf, p), nil
}

func (f *fakeTransport) Close() error { f.closed = true; return nil }

// TestRelayTransport: packets for each destination go through a relay of
// their own, loss switches on all of them, RTCP feedback read is counted,
// and Close closes the relays and the stream's transport.
func TestRelayTransport(t *testing.T) {
	t.Parallel()
	inner := &fakeTransport{conn: relayListen(t), rtcp: make(chan []byte, 1)}
	rt := NewRelayTransport(inner, latLoopback, RelayConfig{Seed: 9})
	rtpDst, rtcpDst := relayListen(t), relayListen(t)
	recv := func(c *net.UDPConn) (string, netip.AddrPort) {
		t.Helper()
		buf := make([]byte, 64)
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatal(err)
		}
		return string(buf[:n]), from
	}
	if err := rt.SendRTP([]byte("rtp"), rtpDst.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	if err := rt.SendRTCP([]byte("rtcp"), rtcpDst.LocalAddr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	got1, from1 := recv(rtpDst)
	got2, from2 := recv(rtcpDst)
	if got1 != "rtp" || got2 != "rtcp" || from1 == from2 || from1 == inner.conn.LocalAddr().(*net.UDPAddr).AddrPort() {
		t.Fatalf("got %q from %v and %q from %v: want each through a relay of its own", got1, from1, got2, from2)
	}
	if err := rt.SetLoss(1); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		_ = rt.SendRTP([]byte("lost"), rtpDst.LocalAddr().(*net.UDPAddr).AddrPort())
	}
	deadline := time.Now().Add(2 * time.Second)
	for rt.Stats().Dropped < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("relays with loss 1 dropped %+v", rt.Stats())
		}
		time.Sleep(time.Millisecond)
	}

	fb, err := rtcp.Marshal([]rtcp.Packet{
		&rtcp.ReceiverReport{SSRC: 1},
		&rtcp.TransportLayerNack{SenderSSRC: 1, MediaSSRC: 2, Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{10, 12, 13, 100})},
		&rtcp.PictureLossIndication{SenderSSRC: 1, MediaSSRC: 2},
		&rtcp.FullIntraRequest{SenderSSRC: 1, MediaSSRC: 2, FIR: []rtcp.FIREntry{{SSRC: 2, SequenceNumber: 1}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	inner.rtcp <- fb
	buf := make([]byte, 1500)
	if n, err := rt.ReadRTCP(buf); err != nil || n != len(fb) {
		t.Fatalf("ReadRTCP: %d, %v; want %d bytes", n, err, len(fb))
	}
	if got, want := rt.Feedback(), (Feedback{NACKPackets: 1, NACKed: 4, PLI: 1, FIR: 1}); got != want {
		t.Errorf("feedback %+v, want %+v", got, want)
	}
	inner.rtcp <- fb[:len(fb)-3] // cut short: counted up to the damage, no panic
	if _, err := rt.ReadRTCP(buf); err != nil {
		t.Fatal(err)
	}
	if got, want := rt.Feedback(), (Feedback{NACKPackets: 2, NACKed: 8, PLI: 2, FIR: 1}); got != want {
		t.Errorf("feedback after a damaged packet %+v, want %+v", got, want)
	}

	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if !inner.closed {
		t.Error("Close left the stream's transport open")
	}
	if err := rt.SendRTP([]byte("late"), netip.MustParseAddrPort("127.0.0.1:9")); !errors.Is(err, errClosedRelay) {
		t.Errorf("SendRTP after Close: %v", err)
	}
}
