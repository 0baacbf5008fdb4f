//go:build !unix

package media

import (
	"net"
	"net/netip"
	"time"
)

// rtpSock is the portable RTP socket: the net package's, with a goroutine
// that blocks on it and queues packets for the playout loop to drain.
type rtpSock struct{ c *net.UDPConn }

func listenRTP(ap netip.AddrPort) (*rtpSock, error) {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(ap))
	if err != nil {
		return nil, err
	}
	return &rtpSock{c}, nil
}

// Port is the local port.
func (s *rtpSock) Port() int { return s.c.LocalAddr().(*net.UDPAddr).Port }

// Close closes the socket.
func (s *rtpSock) Close() error { return s.c.Close() }

// send sends p to `to`.
func (s *rtpSock) send(p []byte, to netip.AddrPort) error {
	_, err := s.c.WriteToUDPAddrPort(p, to)
	return err
}

func (s *rtpSock) reader() rtpReader {
	r := &chanReader{packets: make(chan arrived, 64), err: make(chan error, 1)}
	go func() {
		for {
			buf := make([]byte, 1500)
			n, from, err := s.c.ReadFromUDPAddrPort(buf)
			if err != nil {
				r.err <- err
				close(r.packets)
				return
			}
			select {
			case r.packets <- arrived{data: buf[:n], from: from, at: time.Now()}:
			default: // the playout loop stalled: drop, as a full socket buffer would
			}
		}
	}()
	return r
}

// chanReader is what the goroutine queued.
type chanReader struct {
	packets chan arrived
	err     chan error
}

type arrived struct {
	data []byte
	from netip.AddrPort
	at   time.Time
}

func (r *chanReader) next(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	select {
	case p, ok := <-r.packets:
		if !ok {
			err := <-r.err
			r.err <- err // keep it for the next call
			return 0, netip.AddrPort{}, time.Now(), false, err
		}
		return copy(buf, p.data), p.from, p.at, true, nil
	default:
		return 0, netip.AddrPort{}, time.Now(), false, nil
	}
}
