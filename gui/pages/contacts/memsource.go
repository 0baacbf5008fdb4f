package contacts

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/softphone/softphone/core/store"
)

// MemSource is a Source held in memory, for tests and previews. Its
// search is simpler than the store's: a case-insensitive part of the name,
// or the start of a number.
type MemSource struct {
	mu       sync.Mutex
	contacts []store.Contact
	slots    map[int]store.SpeedDial
	next     int64
	Calls    int // reads served, for tests
}

// NewMemSource holds cs (IDs assigned when zero).
func NewMemSource(cs ...store.Contact) *MemSource {
	m := &MemSource{slots: map[int]store.SpeedDial{}}
	for _, c := range cs {
		_ = m.SaveContact(context.Background(), &c)
	}
	return m
}

func (m *MemSource) match(c store.Contact, q store.ContactQuery) bool {
	if q.Favourites && !c.Favourite {
		return false
	}
	s := strings.ToLower(strings.TrimSpace(q.Search))
	if s == "" || strings.Contains(strings.ToLower(c.Name), s) {
		return true
	}
	for _, n := range c.Numbers {
		if strings.HasPrefix(store.Normalize(n.Value), store.Normalize(s)) {
			return true
		}
	}
	return false
}

// Contacts implements Source.
func (m *MemSource) Contacts(_ context.Context, q store.ContactQuery) ([]store.Contact, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.Calls++
	var out []store.Contact
	skip := q.Offset
	for _, c := range m.contacts {
		if !m.match(c, q) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		c.Numbers = slices.Clone(c.Numbers)
		out = append(out, c)
	}
	return out, nil
}

// CountContacts implements Source.
func (m *MemSource) CountContacts(_ context.Context, q store.ContactQuery) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, c := range m.contacts {
		if m.match(c, q) {
			n++
		}
	}
	return n, nil
}

func (m *MemSource) index(id int64) int {
	return slices.IndexFunc(m.contacts, func(c store.Contact) bool { return c.ID == id })
}

// ContactByID implements Source.
func (m *MemSource) ContactByID(_ context.Context, id int64) (store.Contact, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.index(id)
	if i < 0 {
		return store.Contact{}, fmt.Errorf("%w: contact %d", store.ErrNotFound, id)
	}
	c := m.contacts[i]
	c.Numbers = slices.Clone(c.Numbers)
	return c, nil
}

// SaveContact implements Source.
func (m *MemSource) SaveContact(_ context.Context, c *store.Contact) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Name = strings.TrimSpace(c.Name)
	c.Numbers = slices.DeleteFunc(c.Numbers, func(n store.Number) bool { return strings.TrimSpace(n.Value) == "" })
	if c.Name == "" && len(c.Numbers) > 0 {
		c.Name = c.Numbers[0].Value
	}
	if c.Name == "" {
		return fmt.Errorf("%w contact: no name and no number", store.ErrInvalid)
	}
	if c.ID == 0 {
		m.next++
		c.ID = m.next
	} else if i := m.index(c.ID); i >= 0 {
		m.contacts = slices.Delete(m.contacts, i, i+1)
	} else {
		return fmt.Errorf("%w: contact %d", store.ErrNotFound, c.ID)
	}
	m.next = max(m.next, c.ID)
	saved := *c
	saved.Numbers = slices.Clone(c.Numbers)
	i, _ := slices.BinarySearchFunc(m.contacts, saved, func(a, b store.Contact) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	m.contacts = slices.Insert(m.contacts, i, saved)
	return nil
}

// DeleteContact implements Source.
func (m *MemSource) DeleteContact(_ context.Context, id int64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.index(id)
	if i < 0 {
		return fmt.Errorf("%w: contact %d", store.ErrNotFound, id)
	}
	m.contacts = slices.Delete(m.contacts, i, i+1)
	return nil
}

// SetFavourite implements Source.
func (m *MemSource) SetFavourite(_ context.Context, id int64, on bool) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.index(id)
	if i < 0 {
		return fmt.Errorf("%w: contact %d", store.ErrNotFound, id)
	}
	m.contacts[i].Favourite = on
	return nil
}

// SpeedDials implements Source.
func (m *MemSource) SpeedDials(context.Context) ([]store.SpeedDial, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []store.SpeedDial
	for _, d := range m.slots {
		if d.Label == "" && d.ContactID != 0 {
			if i := m.index(d.ContactID); i >= 0 {
				d.Label = m.contacts[i].Name
			}
		}
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b store.SpeedDial) int { return a.Slot - b.Slot })
	return out, nil
}

// SetSpeedDial implements Source.
func (m *MemSource) SetSpeedDial(_ context.Context, d store.SpeedDial) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d.Slot < 1 || d.Slot > store.MaxSlot || strings.TrimSpace(d.Number) == "" {
		return fmt.Errorf("%w speed dial %d", store.ErrInvalid, d.Slot)
	}
	m.slots[d.Slot] = d
	return nil
}

// ClearSpeedDial implements Source.
func (m *MemSource) ClearSpeedDial(_ context.Context, slot int) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.slots, slot)
	return nil
}
