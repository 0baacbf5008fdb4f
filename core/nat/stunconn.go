package nat

import (
	"io"
	"net"
	"net/netip"
	"sync"
	"time"
)

// stunConn is the host socket as pion's UDP mux sees it: it reads only the
// STUN packets our reader hands it, and writes straight to the socket.
// This is why we own the socket rather than pion: a plain peer's media and
// pion's connectivity checks share it, and one reader classifies each
// packet (RFC 7983) so neither side steals the other's.
type stunConn struct {
	sock  *net.UDPConn
	local *net.UDPAddr
	in    chan stunPacket
	done  chan struct{}
	once  sync.Once
}

type stunPacket struct {
	b    []byte
	from netip.AddrPort
}

// stunQueue holds checks that pion has not read yet; more are dropped, as
// the network would.
const stunQueue = 64

func newSTUNConn(sock *net.UDPConn) *stunConn {
	return &stunConn{
		sock:  sock,
		local: sock.LocalAddr().(*net.UDPAddr),
		in:    make(chan stunPacket, stunQueue),
		done:  make(chan struct{}),
	}
}

// deliver queues a copy of b without blocking the socket's reader.
func (c *stunConn) deliver(b []byte, from netip.AddrPort) {
	select {
	case <-c.done:
		return
	default:
	}
	select {
	case c.in <- stunPacket{b: append([]byte(nil), b...), from: from}:
	default:
	}
}

func (c *stunConn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case p := <-c.in:
		return copy(b, p.b), net.UDPAddrFromAddrPort(p.from), nil
	case <-c.done:
		// EOF ends pion's mux reader without an error log.
		return 0, nil, io.EOF
	}
}

func (c *stunConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	select {
	case <-c.done:
		return 0, net.ErrClosed
	default:
	}
	return c.sock.WriteTo(b, addr)
}

// Close stops pion's reads; the socket itself belongs to the Path.
func (c *stunConn) Close() error {
	c.once.Do(func() { close(c.done) })
	return nil
}

func (c *stunConn) LocalAddr() net.Addr { return c.local }

// Deadlines are not used: the mux stops through Close, and a UDP write
// does not block.
func (c *stunConn) SetDeadline(time.Time) error      { return nil }
func (c *stunConn) SetReadDeadline(time.Time) error  { return nil }
func (c *stunConn) SetWriteDeadline(time.Time) error { return nil }
