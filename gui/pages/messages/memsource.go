package messages

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
)

// MemSource is a Source held in memory, for tests and previews: it
// stores messages as core.RecordMessages does (a new key is added, a
// known one gets its new state).
type MemSource struct {
	mu    sync.Mutex
	msgs  []store.Message // in the order stored
	next  int64
	Reads int // Messages calls served, for tests
}

// NewMemSource holds ms (received ones are unread unless marked Read).
func NewMemSource(ms ...store.Message) *MemSource {
	m := &MemSource{}
	for _, x := range ms {
		m.Put(x)
	}
	return m
}

// Put stores x, or updates the state of the message with its key.
func (m *MemSource) Put(x store.Message) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if x.Key != "" {
		for i := range m.msgs {
			if m.msgs[i].Key == x.Key {
				m.msgs[i].State, m.msgs[i].Code, m.msgs[i].Reason = x.State, x.Code, x.Reason
				return
			}
		}
	}
	m.next++
	x.ID = m.next
	m.msgs = append(m.msgs, x)
}

// Record stores a message event, as the recorder would.
func (m *MemSource) Record(x core.Message) { m.Put(fromCore(x)) }

// Conversations implements Source: one per peer, newest first.
func (m *MemSource) Conversations(context.Context) ([]store.Conversation, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	by := map[string]*store.Conversation{}
	var order []string
	for _, x := range m.msgs {
		k := store.Normalize(x.Peer) // one conversation per peer, as the store groups them
		c := by[k]
		if c == nil {
			c = &store.Conversation{Peer: x.Peer}
			by[k] = c
			order = append(order, k)
		}
		if !x.At.Before(c.Last.At) {
			c.Last, c.Peer = x, x.Peer
		}
		if x.Incoming && !x.Read {
			c.Unread++
		}
	}
	out := make([]store.Conversation, 0, len(order))
	for _, p := range order {
		out = append(out, *by[p])
	}
	slices.SortStableFunc(out, func(a, b store.Conversation) int { return b.Last.At.Compare(a.Last.At) })
	return out, nil
}

// Messages implements Source: peer's newest limit messages (newest first,
// where the store gives them oldest first: the page must not care).
func (m *MemSource) Messages(_ context.Context, peer string, limit int) ([]store.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Reads++
	var out []store.Message
	for i := len(m.msgs) - 1; i >= 0; i-- {
		if !samePeer(m.msgs[i].Peer, peer) {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, m.msgs[i])
	}
	return out, nil
}

// MarkRead implements Source.
func (m *MemSource) MarkRead(_ context.Context, peer string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.msgs {
		if samePeer(m.msgs[i].Peer, peer) {
			m.msgs[i].Read = true
		}
	}
	return nil
}

// Unread implements Source.
func (m *MemSource) Unread(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, x := range m.msgs {
		if x.Incoming && !x.Read {
			n++
		}
	}
	return n, nil
}

// MessageByKey implements Source.
func (m *MemSource) MessageByKey(_ context.Context, key string) (store.Message, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, x := range m.msgs {
		if x.Key == key {
			return x, nil
		}
	}
	return store.Message{}, fmt.Errorf("%w: message %s", store.ErrNotFound, key)
}
