package videosession

import (
	"context"
	"encoding/binary"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/video"
)

// memTransport is one end of an in-memory media.Transport pair; what one
// end sends the other receives, through a filter a test sets to lose
// packets.
type memTransport struct {
	peer     *memTransport
	rtp      chan []byte
	rtcp     chan []byte
	done     chan struct{}
	once     sync.Once
	dropRTP  atomic.Pointer[func(p []byte) bool] // on what this end sends
	rtcpSent atomic.Int64
	rtcpRead atomic.Bool // a ReadRTCP is blocked or ran
}

var _ media.Transport = (*memTransport)(nil)

func memPair() (*memTransport, *memTransport) {
	a := &memTransport{rtp: make(chan []byte, 4096), rtcp: make(chan []byte, 256), done: make(chan struct{})}
	b := &memTransport{rtp: make(chan []byte, 4096), rtcp: make(chan []byte, 256), done: make(chan struct{})}
	a.peer, b.peer = b, a
	return a, b
}

func (t *memTransport) closed() bool {
	select {
	case <-t.done:
		return true
	default:
		return false
	}
}

func (t *memTransport) SendRTP(p []byte, _ netip.AddrPort) error {
	if t.closed() {
		return net.ErrClosed
	}
	if f := t.dropRTP.Load(); f != nil && (*f)(p) {
		return nil
	}
	select {
	case t.peer.rtp <- append([]byte(nil), p...):
	default:
	}
	return nil
}

func (t *memTransport) NextRTP(buf []byte) (int, netip.AddrPort, time.Time, bool, error) {
	select {
	case p := <-t.rtp:
		return copy(buf, p), netip.AddrPort{}, time.Now(), true, nil
	default:
	}
	if t.closed() {
		return 0, netip.AddrPort{}, time.Now(), false, net.ErrClosed
	}
	return 0, netip.AddrPort{}, time.Now(), false, nil
}

func (t *memTransport) SendRTCP(p []byte, _ netip.AddrPort) error {
	if t.closed() {
		return net.ErrClosed
	}
	t.rtcpSent.Add(1)
	t.peer.inject(p)
	return nil
}

// inject delivers an RTCP packet to this end, as if the far end sent it.
func (t *memTransport) inject(p []byte) {
	select {
	case t.rtcp <- append([]byte(nil), p...):
	default:
	}
}

func (t *memTransport) ReadRTCP(buf []byte) (int, error) {
	t.rtcpRead.Store(true)
	select {
	case p := <-t.rtcp:
		return copy(buf, p), nil
	case <-t.done:
		return 0, net.ErrClosed
	}
}

func (t *memTransport) Close() error {
	t.once.Do(func() { close(t.done) })
	return nil
}

// lossFilter loses chosen RTP packets: the nth distinct sequence number
// sent (counting from 0) is lost once (a NACK recovers it) or always.
type lossFilter struct {
	mu     sync.Mutex // guards the fields below
	seen   map[uint16]bool
	n      int
	target int
	always bool
	seq    uint16
	hit    bool
	drops  int
}

func loseNth(t *memTransport, n int, always bool) *lossFilter {
	f := &lossFilter{seen: map[uint16]bool{}, target: n, always: always}
	fn := f.drop
	t.dropRTP.Store(&fn)
	return f
}

func (f *lossFilter) drop(p []byte) bool {
	seq := binary.BigEndian.Uint16(p[2:])
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.seen[seq] {
		f.seen[seq] = true
		if f.n == f.target {
			f.seq, f.hit = seq, true
			f.drops++
			f.n++
			return true
		}
		f.n++
		return false
	}
	if f.hit && seq == f.seq && f.always {
		f.drops++
		return true
	}
	return false
}

func (f *lossFilter) dropped() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.drops
}

// waitFor polls cond until it holds; the test fails after a generous
// deadline (a hang, not a timing figure).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// pattern opens a test pattern source of that size at 30 frames/s.
func pattern(t *testing.T, w, h int) video.Source {
	t.Helper()
	p, err := video.NewTestPattern(video.Constraints{Width: w, Height: h, FPS: 30}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// trackedSource records its Close and a Read returning after ctx ends.
type trackedSource struct {
	video.Source
	closed   atomic.Bool
	returned chan struct{} // closed when a Read returns for ctx
	once     sync.Once
}

func track(src video.Source) *trackedSource {
	return &trackedSource{Source: src, returned: make(chan struct{})}
}

func (s *trackedSource) Read(ctx context.Context) (video.Frame, error) {
	f, err := s.Source.Read(ctx)
	if ctx.Err() != nil {
		s.once.Do(func() { close(s.returned) })
	}
	return f, err
}

func (s *trackedSource) Close() error {
	s.closed.Store(true)
	return s.Source.Close()
}

// blockedSource never gives a frame: Read waits for its context.
type blockedSource struct{}

func (blockedSource) Read(ctx context.Context) (video.Frame, error) {
	<-ctx.Done()
	return video.Frame{}, ctx.Err()
}
func (blockedSource) Close() error { return nil }

// pair is two sessions talking over tra and trb.
type pair struct {
	a, b       *Session
	obsA, obsB *codecObs
	feedB      *video.Feed
}

func newPair(t *testing.T, codec video.Codec, tra, trb media.Transport, fb Feedback, addrA, addrB netip.AddrPort) *pair {
	t.Helper()
	ca, oa := observe(codec)
	cb, ob := observe(codec)
	p := &pair{obsA: oa, obsB: ob, feedB: &video.Feed{}}
	var err error
	p.a, err = New(tra, Config{Codec: ca, SendPT: 96, RecvPT: 96, Remote: addrB, Feedback: fb,
		Size: video.Constraints{Width: 128, Height: 96, FPS: 30}, RemoteFeed: &video.Feed{}, LocalFeed: &video.Feed{}})
	if err != nil {
		t.Fatal(err)
	}
	p.b, err = New(trb, Config{Codec: cb, SendPT: 96, RecvPT: 96, Remote: addrA, Feedback: fb,
		Size: video.Constraints{Width: 128, Height: 96, FPS: 30}, RemoteFeed: p.feedB})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.a.Close()
		p.b.Close()
	})
	if err := p.a.Start(); err != nil {
		t.Fatal(err)
	}
	if err := p.b.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

var allFeedback = Feedback{NACK: true, PLI: true, FIR: true, REMB: true}
