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
	state  atomic.Pointer[State] // read without mu
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
	b := &Bus{subs: map[*subscriber]struct{}{}}
	seed.Version = 0
	b.state.Store(&seed)
	return b
}

// State is the read model now. Every event a subscriber has received is
// in it.
func (b *Bus) State() State { return *b.state.Load() }

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
	cur := b.state.Load()
	e = e.stamped(cur.Version + 1)
	next := cur.apply(e)
	next.Version = e.Version()
	b.state.Store(&next)
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
