// Package media moves a call's audio: RTP/RTCP sockets, the send and
// playout paths, the jitter buffer, DTMF and call-quality figures.
package media

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
)

// PortRange is where RTP ports are taken from (RTCP uses RTP+1).
type PortRange struct{ Min, Max int }

// DefaultPorts is the range most softphones and PBXes use.
var DefaultPorts = PortRange{Min: 16384, Max: 32766}

// Conn is a call's RTP and RTCP sockets: the plain UDP Transport. It is
// opened before the SDP offer or answer is written, so the port in the SDP
// is one we really own.
type Conn struct {
	rtp  *rtpSock
	RTCP *net.UDPConn
	rd   rtpReader // used by the playout loop only

	mux    atomic.Bool // RTCP shares the RTP socket (rtcp-mux agreed)
	muxed  chan []byte // RTCP that came in on the RTP socket, for ReadRTCP
	done   chan struct{}
	closed sync.Once
}

// Listen opens an RTP socket on an even port of r and RTCP on the next one.
func Listen(ip netip.Addr, r PortRange) (*Conn, error) {
	if r.Min <= 0 || r.Max < r.Min+1 {
		r = DefaultPorts
	}
	span := (r.Max - r.Min) / 2
	if span <= 0 {
		span = 1
	}
	start := rand.IntN(span)
	var lastErr error
	for i := 0; i < span && i < 64; i++ {
		port := r.Min + 2*((start+i)%span)
		rtp, err := listenRTP(netip.AddrPortFrom(ip, uint16(port)))
		if err != nil {
			lastErr = err
			continue
		}
		rtcp, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port+1))))
		if err != nil {
			rtp.Close()
			lastErr = err
			continue
		}
		return &Conn{rtp: rtp, RTCP: rtcp, rd: rtp.reader(), muxed: make(chan []byte, 16), done: make(chan struct{})}, nil
	}
	return nil, fmt.Errorf("media: no free RTP port pair in %d-%d: %w", r.Min, r.Max, lastErr)
}

// Port is the local RTP port.
func (c *Conn) Port() int { return c.rtp.Port() }

// Close closes both sockets.
func (c *Conn) Close() error {
	var err error
	c.closed.Do(func() {
		close(c.done)
		err = errors.Join(c.rtp.Close(), c.RTCP.Close())
	})
	return err
}
