package media

import (
	"net"
	"net/netip"
	"time"
)

var _ Transport = (*Conn)(nil)

// SetRTCPMux says whether RTCP shares the RTP socket (RFC 5761), as the
// offer/answer settled. The RTCP socket stays open either way: it is what
// the SDP's a=rtcp promised until the answer said otherwise.
func (c *Conn) SetRTCPMux(on bool) { c.mux.Store(on) }

// SendRTP sends pkt to `to` without blocking.
func (c *Conn) SendRTP(pkt []byte, to netip.AddrPort) error { return c.rtp.send(pkt, to) }

// NextRTP takes the next waiting RTP packet; RTCP that shares the socket is
// set aside for ReadRTCP, anything else (STUN, DTLS, junk) is dropped.
func (c *Conn) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	for {
		n, from, at, ok, err := c.rd.next(buf)
		if err != nil || !ok {
			return n, from, at, ok, err
		}
		switch Classify(buf[:n]) {
		case KindRTP:
			return n, from, at, true, nil
		case KindRTCP:
			// Rare (one report every few seconds): a copy is fine.
			select {
			case c.muxed <- append([]byte(nil), buf[:n]...):
			default:
			}
		}
	}
}

// SendRTCP sends pkt on the RTCP socket, or on the RTP one with rtcp-mux.
func (c *Conn) SendRTCP(pkt []byte, to netip.AddrPort) error {
	if c.mux.Load() {
		return c.rtp.send(pkt, to)
	}
	_, err := c.RTCP.WriteToUDPAddrPort(pkt, to)
	return err
}

// ReadRTCP blocks for the next RTCP packet, from whichever socket carries
// it; rtcp-mux is settled before the session starts.
func (c *Conn) ReadRTCP(buf []byte) (int, error) {
	if c.mux.Load() {
		select {
		case p := <-c.muxed:
			return copy(buf, p), nil
		case <-c.done:
			return 0, net.ErrClosed
		}
	}
	n, _, err := c.RTCP.ReadFromUDPAddrPort(buf)
	return n, err
}
