//go:build !unix

package media

import (
	"net"
	"net/netip"
	"time"
)

// chanReader is the portable fallback: a goroutine blocks on the socket and
// queues packets with their arrival time for the playout loop to drain.
type chanReader struct {
	packets chan arrived
	err     chan error
}

type arrived struct {
	data []byte
	from netip.AddrPort
	at   time.Time
}

func newRTPReader(c *net.UDPConn) (rtpReader, error) {
	r := &chanReader{packets: make(chan arrived, 64), err: make(chan error, 1)}
	go func() {
		for {
			buf := make([]byte, 1500)
			n, from, err := c.ReadFromUDPAddrPort(buf)
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
	return r, nil
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

// connWriter is the portable writer: the net package's own send.
type connWriter struct{ c *net.UDPConn }

func newRTPWriter(c *net.UDPConn) (rtpWriter, error) { return connWriter{c}, nil }

func (w connWriter) send(p []byte, to netip.AddrPort) error {
	_, err := w.c.WriteToUDPAddrPort(p, to)
	return err
}
