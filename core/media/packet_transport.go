package media

import (
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// PacketPath is a stream's network path that can only be read by blocking:
// an ICE connection, or a UDP socket in the runtime's poller.
type PacketPath interface {
	ReadPacket(buf []byte) (n int, from netip.AddrPort, err error)
	WritePacket(b []byte) error
	Close() error
}

// DefaultPathQueue is how many packets wait for the playout loop: a
// second of 20 ms audio, as a socket's receive buffer would hold. A video
// stream needs room for a key frame's burst: see NewPacketTransport.
const DefaultPathQueue = 64

type queued struct {
	buf  []byte
	n    int
	from netip.AddrPort
	at   time.Time
}

// PacketTransport is the Transport over a PacketPath: one goroutine reads
// the path and sorts what arrives (RFC 7983): RTP waits for the playout
// loop's drain, RTCP for ReadRTCP, DTLS records for the handshake's conn
// (DTLS), STUN and junk are dropped. Its buffers are allocated up front:
// steady state does not allocate.
type PacketTransport struct {
	path PacketPath
	rtp  chan *queued // filled by the reader, drained by NextRTP
	free chan *queued // buffers back to the reader
	rtcp chan []byte
	dtls chan []byte
	done chan struct{}
	once sync.Once

	// mu guards err, set once by the reader when the path fails.
	mu  sync.Mutex
	err error
}

var _ Transport = (*PacketTransport)(nil)

// NewPacketTransport starts reading p, keeping up to queue RTP packets
// for the reader (0: DefaultPathQueue); Close stops it and closes p.
func NewPacketTransport(p PacketPath, queue int) *PacketTransport {
	if queue <= 0 {
		queue = DefaultPathQueue
	}
	t := &PacketTransport{
		path: p,
		rtp:  make(chan *queued, queue),
		free: make(chan *queued, queue+1),
		rtcp: make(chan []byte, 16),
		dtls: make(chan []byte, 16),
		done: make(chan struct{}),
	}
	for range queue + 1 {
		t.free <- &queued{buf: make([]byte, 1500)}
	}
	go t.read()
	return t
}

func (t *PacketTransport) read() {
	for {
		q := <-t.free
		n, from, err := t.path.ReadPacket(q.buf)
		if err != nil {
			t.mu.Lock()
			t.err = err
			t.mu.Unlock()
			t.Close()
			return
		}
		switch Classify(q.buf[:n]) {
		case KindRTP:
			q.n, q.from, q.at = n, from, time.Now()
			select {
			case t.rtp <- q:
				continue
			default: // the playout loop stalled: drop, as a full socket would
			}
		case KindRTCP:
			t.offer(t.rtcp, q.buf[:n])
		case KindDTLS:
			t.offer(t.dtls, q.buf[:n])
		}
		t.free <- q
	}
}

// offer queues a copy of p (RTCP and DTLS are rare: a copy is fine).
func (t *PacketTransport) offer(c chan []byte, p []byte) {
	select {
	case c <- append([]byte(nil), p...):
	default:
	}
}

// SendRTP sends pkt on the path (its own destination: to is ignored).
func (t *PacketTransport) SendRTP(pkt []byte, _ netip.AddrPort) error { return t.path.WritePacket(pkt) }

// SendRTCP sends pkt on the path.
func (t *PacketTransport) SendRTCP(pkt []byte, _ netip.AddrPort) error {
	return t.path.WritePacket(pkt)
}

// NextRTP takes the next queued RTP packet without blocking.
func (t *PacketTransport) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	select {
	case q := <-t.rtp:
		n := copy(buf, q.buf[:q.n])
		from, at := q.from, q.at
		t.free <- q
		return n, from, at, true, nil
	default:
	}
	select {
	case <-t.done:
		return 0, netip.AddrPort{}, time.Now(), false, net.ErrClosed
	default:
		return 0, netip.AddrPort{}, time.Now(), false, nil
	}
}

// ReadRTCP blocks for the next RTCP packet.
func (t *PacketTransport) ReadRTCP(buf []byte) (int, error) {
	select {
	case p := <-t.rtcp:
		return copy(buf, p), nil
	case <-t.done:
		return 0, net.ErrClosed
	}
}

// Close stops the reader and closes the path.
func (t *PacketTransport) Close() error {
	var err error
	t.once.Do(func() {
		close(t.done)
		err = t.path.Close()
	})
	return err
}

// Err is why the path stopped, if it failed rather than was closed.
func (t *PacketTransport) Err() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// DTLS is the path's DTLS records as a net.Conn, for a DTLS handshake and
// its session.
func (t *PacketTransport) DTLS() net.Conn { return &dtlsConn{t: t, closed: make(chan struct{})} }

// dtlsConn carries only DTLS records. Read deadlines are honoured (the DTLS
// library times its retransmissions with them).
type dtlsConn struct {
	t      *PacketTransport
	closed chan struct{}
	once   sync.Once

	// mu guards deadline.
	mu       sync.Mutex
	deadline time.Time
}

func (c *dtlsConn) Read(b []byte) (int, error) {
	c.mu.Lock()
	dl := c.deadline
	c.mu.Unlock()
	var expire <-chan time.Time
	if !dl.IsZero() {
		d := time.Until(dl)
		if d <= 0 {
			return 0, os.ErrDeadlineExceeded
		}
		tm := time.NewTimer(d)
		defer tm.Stop()
		expire = tm.C
	}
	select {
	case p := <-c.t.dtls:
		return copy(b, p), nil
	case <-c.t.done:
		return 0, net.ErrClosed
	case <-c.closed:
		return 0, net.ErrClosed
	case <-expire:
		return 0, os.ErrDeadlineExceeded
	}
}

func (c *dtlsConn) Write(b []byte) (int, error) {
	if err := c.t.path.WritePacket(b); err != nil {
		return 0, err
	}
	return len(b), nil
}

// Close ends reads on this conn and leaves the transport open: the stream
// closes it.
func (c *dtlsConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}
func (c *dtlsConn) LocalAddr() net.Addr              { return dtlsAddr{} }
func (c *dtlsConn) RemoteAddr() net.Addr             { return dtlsAddr{} }
func (c *dtlsConn) SetWriteDeadline(time.Time) error { return nil }
func (c *dtlsConn) SetDeadline(t time.Time) error    { return c.SetReadDeadline(t) }
func (c *dtlsConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.deadline = t
	c.mu.Unlock()
	return nil
}

type dtlsAddr struct{}

func (dtlsAddr) Network() string { return "udp" }
func (dtlsAddr) String() string  { return "media-path" }
