package secure

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/softphone/softphone/core/media"
)

// packet is one datagram as the loopback transport saw it arrive.
type packet struct {
	data []byte
	from netip.AddrPort
}

// udpTransport is a minimal media.Transport on one loopback UDP socket
// (RTP and RTCP muxed, split by media.Classify). The test may take
// arrived packets off rtp/rtcp to look at the wire, and put packets back
// with inject.
type udpTransport struct {
	conn *net.UDPConn
	rtp  chan packet
	rtcp chan packet
	done chan struct{} // closed when the reader ends
}

func newUDPTransport(t *testing.T) *udpTransport {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	u := &udpTransport{conn: c, rtp: make(chan packet, 64), rtcp: make(chan packet, 64), done: make(chan struct{})}
	go u.read()
	t.Cleanup(func() { u.Close() })
	return u
}

func (u *udpTransport) addr() netip.AddrPort {
	return u.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

func (u *udpTransport) read() {
	defer close(u.done)
	for {
		buf := make([]byte, 2048)
		n, from, err := u.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return
		}
		p := packet{data: buf[:n], from: from}
		switch media.Classify(p.data) {
		case media.KindRTP:
			u.rtp <- p
		case media.KindRTCP:
			u.rtcp <- p
		}
	}
}

func (u *udpTransport) SendRTP(pkt []byte, to netip.AddrPort) error {
	_, err := u.conn.WriteToUDPAddrPort(pkt, to)
	return err
}

func (u *udpTransport) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	select {
	case p := <-u.rtp:
		return copy(buf, p.data), p.from, time.Now(), true, nil
	case <-u.done:
		return 0, netip.AddrPort{}, time.Time{}, false, net.ErrClosed
	default:
		return 0, netip.AddrPort{}, time.Time{}, false, nil
	}
}

func (u *udpTransport) SendRTCP(pkt []byte, to netip.AddrPort) error {
	_, err := u.conn.WriteToUDPAddrPort(pkt, to)
	return err
}

func (u *udpTransport) ReadRTCP(buf []byte) (int, error) {
	select {
	case p := <-u.rtcp:
		return copy(buf, p.data), nil
	case <-u.done:
		return 0, net.ErrClosed
	}
}

func (u *udpTransport) Close() error {
	err := u.conn.Close()
	<-u.done
	return err
}

// take waits for the next packet to arrive on ch: the wire bytes.
func take(t *testing.T, ch chan packet) []byte {
	t.Helper()
	select {
	case p := <-ch:
		return p.data
	case <-time.After(5 * time.Second):
		t.Fatal("no packet arrived")
		return nil
	}
}

// inject puts a copy of pkt on ch as if it had just arrived.
func inject(ch chan packet, pkt []byte) {
	ch <- packet{data: append([]byte(nil), pkt...)}
}
