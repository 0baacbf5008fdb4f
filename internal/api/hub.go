package api

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/softphone/softphone/core"
)

// hub holds the server's one subscription to the phone's events: it
// marshals each event once, keeps the last ones for clients that resume,
// and hands every event to every client in order.
type hub struct {
	phone core.Phone
	queue int // a client's queue bound
	// session names this run of the phone: versions restart with it.
	session string

	// mu guards everything below. attach reads the phone's State under
	// it (the bus's lock inside ours); nothing else is called under it.
	mu      sync.Mutex
	ring    []frame // the last events, oldest first (at most cap(ring))
	start   int     // index of the oldest in ring once it is full
	last    uint64  // version of the newest event received
	clients map[*client]struct{}
	closed  bool

	cancel func()
}

// frame is one event as sent.
type frame struct {
	version uint64
	data    []byte
}

// client is one event socket's queue. The hub writes to out and never
// blocks: a client too slow to keep up is dropped (closed lag) and may
// resume where it was.
type client struct {
	out   chan []byte
	after uint64 // versions up to this one are already in what it was given
	lag   chan struct{}
}

func newHub(ctx context.Context, phone core.Phone, resume, queue int) *hub {
	events, cancel := phone.Events()
	h := &hub{phone: phone, queue: queue, session: NewToken()[:16], ring: make([]frame, 0, max(resume, 1)), clients: map[*client]struct{}{}, cancel: cancel}
	go h.run(ctx, events)
	return h
}

func (h *hub) run(ctx context.Context, events <-chan core.Event) {
	defer h.close()
	for {
		var e core.Event
		var ok bool
		select {
		case <-ctx.Done():
			return
		case e, ok = <-events:
		}
		if !ok {
			return
		}
		data, err := json.Marshal(e)
		if err != nil {
			continue // every event type marshals; nothing to send otherwise
		}
		h.publish(frame{version: e.Version(), data: data})
	}
}

func (h *hub) publish(f frame) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.ring) < cap(h.ring) {
		h.ring = append(h.ring, f)
	} else {
		h.ring[h.start] = f
		h.start = (h.start + 1) % len(h.ring)
	}
	h.last = f.version
	for c := range h.clients {
		if f.version <= c.after {
			continue
		}
		select {
		case c.out <- f.data:
		default:
			delete(h.clients, c)
			close(c.lag)
		}
	}
}

// since returns the events after version v if the hub still holds them
// all; ok false when v is too old, or newer than anything sent (a
// version from another run of the phone).
func (h *hub) since(v uint64) (frames [][]byte, ok bool) {
	if v > h.last {
		return nil, false
	}
	n := len(h.ring)
	if v == h.last {
		return nil, true
	}
	if n == 0 || h.ring[h.start].version > v+1 {
		return nil, false
	}
	for i := range n {
		f := h.ring[(h.start+i)%n]
		if f.version > v {
			frames = append(frames, f.data)
		}
	}
	return frames, true
}

// attach registers a client. With resume, the client gets the events
// after version since if the hub holds them; otherwise (or without
// resume) it gets the state as it stands, and the events after it.
// first is what to send before anything from out.
func (h *hub) attach(resume bool, since uint64, snapshot func(core.State) []byte) (c *client, first [][]byte, resumed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	c = &client{out: make(chan []byte, h.queue), lag: make(chan struct{})}
	if h.closed {
		close(c.out)
		return c, nil, false
	}
	if resume {
		if frames, ok := h.since(since); ok {
			c.after = h.last
			h.clients[c] = struct{}{}
			return c, frames, true
		}
	}
	// The state read now holds every event the hub has seen and perhaps
	// a few it has not yet: those are skipped when they come.
	st := h.phone.State()
	c.after = max(st.Version, h.last)
	h.clients[c] = struct{}{}
	return c, [][]byte{snapshot(st)}, false
}

func (h *hub) detach(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.clients, c)
}

// close ends every client's stream and the subscription.
func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.closed = true
	for c := range h.clients {
		close(c.out)
	}
	h.clients = nil
	h.cancel()
}
