package history

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/softphone/softphone/core/store"
)

// MemSource is a Source held in memory, for tests and previews. Calls are
// kept newest first; IDs are assigned if zero.
type MemSource struct {
	mu    sync.Mutex
	calls []store.Call
	next  int64
}

// NewMemSource holds calls, given newest first.
func NewMemSource(calls ...store.Call) *MemSource {
	m := &MemSource{calls: slices.Clone(calls)}
	for i := len(m.calls) - 1; i >= 0; i-- {
		m.next = max(m.next+1, m.calls[i].ID)
		if m.calls[i].ID == 0 {
			m.calls[i].ID = m.next
		}
	}
	return m
}

// Add records a call as the newest.
func (m *MemSource) Add(c store.Call) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next = max(m.next+1, c.ID)
	if c.ID == 0 {
		c.ID = m.next
	}
	m.calls = append([]store.Call{c}, m.calls...)
}

// History implements Source.
func (m *MemSource) History(_ context.Context, q store.HistoryQuery) ([]store.Call, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.Call
	for _, c := range m.calls {
		if (q.Before > 0 && c.ID >= q.Before) || (q.Missed && !c.Missed) {
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		out = append(out, c)
	}
	return out, nil
}

// CallByCallID implements Source.
func (m *MemSource) CallByCallID(_ context.Context, id string) (store.Call, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, c := range m.calls {
		if c.CallID == id {
			return c, nil
		}
	}
	return store.Call{}, fmt.Errorf("%w: call %s", store.ErrNotFound, id)
}

// UnseenMissed implements Source.
func (m *MemSource) UnseenMissed(context.Context) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, c := range m.calls {
		if c.Missed && !c.Seen {
			n++
		}
	}
	return n, nil
}

// MarkMissedSeen implements Source.
func (m *MemSource) MarkMissedSeen(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i := range m.calls {
		m.calls[i].Seen = true
	}
	return nil
}

// DeleteCall implements Source.
func (m *MemSource) DeleteCall(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := slices.IndexFunc(m.calls, func(c store.Call) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: call %d", store.ErrNotFound, id)
	}
	m.calls = slices.Delete(m.calls, i, i+1)
	return nil
}

// ClearHistory implements Source.
func (m *MemSource) ClearHistory(context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = nil
	return nil
}
