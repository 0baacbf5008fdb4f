package bench

import (
	"container/heap"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"
)

// RelayConfig is what a Relay does to the packets it forwards. The zero
// value forwards everything at once, in order.
type RelayConfig struct {
	Loss   float64       // share of packets dropped, 0..1, independently at random (SetLoss changes it)
	Delay  time.Duration // fixed extra delay of every packet
	Jitter time.Duration // extra delay drawn uniformly from [0, Jitter) per packet
	// Reorder lets the jitter reorder packets, as netem's delay does: each
	// packet leaves at its own time. Without it the relay is a FIFO: a
	// packet never leaves before one received earlier (its departure is
	// pushed back to its predecessor's), so jitter only bunches packets.
	Reorder bool
	// Duplicate is the share of forwarded packets also sent a second time;
	// the copy gets its own delay draw.
	Duplicate float64
	Seed      uint64 // seeds the random draws; 0 picks a random seed
}

// RelayStats count the relay's packets so far.
type RelayStats struct {
	Received   uint64 // packets that came in on Addr
	Dropped    uint64 // of those, dropped by Loss
	Duplicated uint64 // copies made by Duplicate
	Sent       uint64 // packets that left towards the destination, copies included
	Returned   uint64 // packets from the destination passed back, unimpaired
}

// Relay is an impairing UDP relay for loopback benchmarks: datagrams sent
// to Addr go to the destination, from OutAddr, after the configured loss,
// delay, jitter, reordering and duplication. Datagrams the destination
// sends back to OutAddr go, unimpaired, to whoever last sent to Addr, so
// symmetric RTP works through it. Packets still queued at Close are lost.
type Relay struct {
	cfg     RelayConfig
	in, out *net.UDPConn
	dst     netip.AddrPort
	src     atomic.Pointer[netip.AddrPort]
	rng     *rand.Rand // only the in-loop draws

	mu    sync.Mutex
	queue relayQueue
	last  time.Time // latest departure scheduled, for FIFO order
	order uint64    // tie-break: equal departures leave in arrival order

	wake chan struct{}
	done chan struct{}
	wg   sync.WaitGroup
	once sync.Once

	received, dropped, duplicated, sent, returned atomic.Uint64
	loss                                          atomic.Uint64 // math.Float64bits of the share dropped now
}

// NewRelay opens the relay's two sockets on ip (ephemeral ports) and
// starts forwarding to dst.
func NewRelay(ip netip.Addr, dst netip.AddrPort, cfg RelayConfig) (*Relay, error) {
	switch {
	case cfg.Loss < 0 || cfg.Loss > 1 || cfg.Duplicate < 0 || cfg.Duplicate > 1:
		return nil, fmt.Errorf("bench: relay loss %v and duplicate %v must be in 0..1", cfg.Loss, cfg.Duplicate)
	case cfg.Delay < 0 || cfg.Jitter < 0:
		return nil, fmt.Errorf("bench: relay delay %v and jitter %v must not be negative", cfg.Delay, cfg.Jitter)
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	in, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	if err != nil {
		return nil, fmt.Errorf("bench: relay: %w", err)
	}
	out, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("bench: relay: %w", err)
	}
	r := &Relay{
		cfg: cfg, in: in, out: out, dst: dst,
		rng:  rand.New(rand.NewPCG(seed, 0x7e1a7)),
		wake: make(chan struct{}, 1),
		done: make(chan struct{}),
	}
	r.loss.Store(math.Float64bits(cfg.Loss))
	r.wg.Add(3)
	go func() { defer r.wg.Done(); r.inLoop() }()
	go func() { defer r.wg.Done(); r.sendLoop() }()
	go func() { defer r.wg.Done(); r.returnLoop() }()
	return r, nil
}

// Addr is where to send the packets to impair.
func (r *Relay) Addr() netip.AddrPort { return r.in.LocalAddr().(*net.UDPAddr).AddrPort() }

// OutAddr is the address the destination sees the packets come from.
func (r *Relay) OutAddr() netip.AddrPort { return r.out.LocalAddr().(*net.UDPAddr).AddrPort() }

// SetLoss changes the share of packets dropped from now on (0..1), so a
// benchmark can start and end a loss burst mid-call.
func (r *Relay) SetLoss(loss float64) error {
	if loss < 0 || loss > 1 || math.IsNaN(loss) {
		return fmt.Errorf("bench: relay loss %v must be in 0..1", loss)
	}
	r.loss.Store(math.Float64bits(loss))
	return nil
}

// Stats returns the counters so far.
func (r *Relay) Stats() RelayStats {
	return RelayStats{
		Received: r.received.Load(), Dropped: r.dropped.Load(), Duplicated: r.duplicated.Load(),
		Sent: r.sent.Load(), Returned: r.returned.Load(),
	}
}

// Close stops the relay and closes its sockets.
func (r *Relay) Close() error {
	var err error
	r.once.Do(func() {
		close(r.done)
		err = errors.Join(r.in.Close(), r.out.Close())
		r.wg.Wait()
	})
	return err
}

func (r *Relay) inLoop() {
	buf := make([]byte, 65536)
	for {
		n, from, err := r.in.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		now := time.Now()
		r.src.Store(&from)
		r.received.Add(1)
		if loss := math.Float64frombits(r.loss.Load()); loss > 0 && r.rng.Float64() < loss {
			r.dropped.Add(1)
			continue
		}
		pkt := append([]byte(nil), buf[:n]...)
		r.schedule(pkt, now)
		if r.cfg.Duplicate > 0 && r.rng.Float64() < r.cfg.Duplicate {
			r.duplicated.Add(1)
			r.schedule(pkt, now)
		}
	}
}

// schedule queues pkt, received at now, for its departure.
func (r *Relay) schedule(pkt []byte, now time.Time) {
	at := now.Add(r.cfg.Delay)
	if r.cfg.Jitter > 0 {
		at = at.Add(time.Duration(r.rng.Int64N(int64(r.cfg.Jitter))))
	}
	r.mu.Lock()
	if !r.cfg.Reorder {
		if at.Before(r.last) {
			at = r.last
		}
		r.last = at
	}
	r.order++
	heap.Push(&r.queue, relayPacket{at: at, order: r.order, b: pkt})
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// sendLoop sends each queued packet at its departure time.
func (r *Relay) sendLoop() {
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		r.mu.Lock()
		wait := time.Duration(-1)
		for r.queue.Len() > 0 {
			if d := time.Until(r.queue[0].at); d > 0 {
				wait = d
				break
			}
			p := heap.Pop(&r.queue).(relayPacket)
			r.mu.Unlock()
			if _, err := r.out.WriteToUDPAddrPort(p.b, r.dst); err == nil {
				r.sent.Add(1)
			}
			r.mu.Lock()
		}
		r.mu.Unlock()
		if wait >= 0 {
			t.Reset(wait)
		} else {
			t.Stop()
		}
		select {
		case <-r.done:
			return
		case <-r.wake:
		case <-t.C:
		}
	}
}

// returnLoop passes what the destination sends back to the last source.
func (r *Relay) returnLoop() {
	buf := make([]byte, 65536)
	for {
		n, _, err := r.out.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if src := r.src.Load(); src != nil {
			if _, err := r.in.WriteToUDPAddrPort(buf[:n], *src); err == nil {
				r.returned.Add(1)
			}
		}
	}
}

type relayPacket struct {
	at    time.Time
	order uint64
	b     []byte
}

// relayQueue is a min-heap of packets by departure, then arrival order.
type relayQueue []relayPacket

func (q relayQueue) Len() int { return len(q) }
func (q relayQueue) Less(i, j int) bool {
	if !q[i].at.Equal(q[j].at) {
		return q[i].at.Before(q[j].at)
	}
	return q[i].order < q[j].order
}
func (q relayQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *relayQueue) Push(x any)   { *q = append(*q, x.(relayPacket)) }
func (q *relayQueue) Pop() any {
	old := *q
	p := old[len(old)-1]
	*q = old[:len(old)-1]
	return p
}
