package state

import (
	"sync"
	"sync/atomic"
)

// Bus is the one place events are published: it gives each its version,
// applies it to the read model and fans it out to subscribers, all in one
// order. Each subscriber has its own unbounded queue, so a slow reader (a
// GUI frame, a blocked pipe) never stalls the phone and never loses an
// event.
type Bus struct {
	// mu orders publications: version, state and every queue change
	// together. It is the innermost lock of the phone: nothing is called
	// under it but the queues' own locks.
	mu     sync.Mutex
	subs   map[*subscriber]struct{}
	closed bool
	cur    State     // the read model but its calls and figures (under mu)
	calls  liveCalls // the calls and figures (under mu)
	// snap is the read model as last copied out; nil once an event
	// changed it. State reads it without mu.
	snap atomic.Pointer[State]
}

type subscriber struct {
	out    chan Event
	mu     sync.Mutex
	queue  []Event
	signal chan struct{}
	done   chan struct{}
}

// NewBus starts the read model at seed (its Version is ignored: 0).
func NewBus(seed State) *Bus {
	b := &Bus{subs: map[*subscriber]struct{}{}, calls: newLiveCalls(seed.Calls, seed.Quality)}
	seed.Version, seed.Calls, seed.Quality = 0, nil, Qualities{}
	b.cur = seed
	return b
}

// State is the read model now. Every event a subscriber has received is
// in it. The copy made for a read serves every read until the next event.
func (b *Bus) State() State {
	if s := b.snap.Load(); s != nil {
		return *s
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if s := b.snap.Load(); s != nil {
		return *s
	}
	s := b.cur
	s.Calls, s.Quality = b.calls.snapshot()
	b.snap.Store(&s)
	return s
}

// Subscribe receives the events published from now on. The channel is
// closed after Close; call cancel to stop receiving earlier.
func (b *Bus) Subscribe() (<-chan Event, func()) {
	s := &subscriber{out: make(chan Event), signal: make(chan struct{}, 1), done: make(chan struct{})}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		close(s.out)
		return s.out, func() {}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go s.pump()
	var once sync.Once
	return s.out, func() {
		once.Do(func() {
			b.mu.Lock()
			delete(b.subs, s)
			b.mu.Unlock()
			close(s.done)
		})
	}
}

// Publish applies e to the state, with the next version, then queues it
// for every subscriber. After Close it only updates the state.
func (b *Bus) Publish(e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	e = e.stamped(b.cur.Version + 1)
	switch e := e.(type) {
	case CallEvent:
		b.calls.call(e.Info)
	case CallStatsEvent:
		b.calls.stats(e)
	default:
		b.cur = b.cur.apply(e)
	}
	b.cur.Version = e.Version()
	b.snap.Store(nil)
	for s := range b.subs {
		s.mu.Lock()
		s.queue = append(s.queue, e)
		s.mu.Unlock()
		select {
		case s.signal <- struct{}{}:
		default:
		}
	}
}

// Close delivers what is queued, then closes every subscriber's channel.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		s.mu.Lock()
		s.queue = append(s.queue, nil) // nil marks the end of the stream
		s.mu.Unlock()
		select {
		case s.signal <- struct{}{}:
		default:
		}
		delete(b.subs, s)
	}
}

func (s *subscriber) pump() {
	defer close(s.out)
	for {
		s.mu.Lock()
		q := s.queue
		s.queue = nil
		s.mu.Unlock()
		for _, e := range q {
			if e == nil {
				return
			}
			select {
			case s.out <- e:
			case <-s.done:
				return
			}
		}
		select {
		case <-s.signal:
		case <-s.done:
			return
		}
	}
}
