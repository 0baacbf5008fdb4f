package guitest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/softphone/softphone/core"
)

// The contacts and speed-dial keys of Records.

// matches reports whether c is in q: a part of the name, or the start of
// a number.
func matches(c core.Contact, q core.ContactQuery) bool {
	if q.Favourites && !c.Favourite {
		return false
	}
	s := strings.ToLower(strings.TrimSpace(q.Search))
	if s == "" || strings.Contains(strings.ToLower(c.Name), s) {
		return true
	}
	return numberStarts(c, s)
}

// numberStarts reports whether a number of c starts with s once both are
// normalised.
func numberStarts(c core.Contact, s string) bool {
	ns := core.NormalizeNumber(s)
	if ns == "" {
		return false
	}
	for _, n := range c.Numbers {
		if strings.HasPrefix(core.NormalizeNumber(n.Value), ns) {
			return true
		}
	}
	return false
}

// Contacts implements core.Records.
func (r *Records) Contacts(_ context.Context, q core.ContactQuery) ([]core.Contact, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	r.contactRead++
	var out []core.Contact
	skip := q.Offset
	for _, c := range r.contacts {
		if !matches(c, q) {
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

// CountContacts implements core.Records.
func (r *Records) CountContacts(_ context.Context, q core.ContactQuery) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.contacts {
		if matches(c, q) {
			n++
		}
	}
	return n, r.err
}

// SearchContacts implements core.Records: a word of the name or a number
// starting with text.
func (r *Records) SearchContacts(_ context.Context, text string, limit int) ([]core.Contact, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.searches = append(r.searches, text)
	if r.err != nil {
		return nil, r.err
	}
	t := strings.ToLower(strings.TrimSpace(text))
	var out []core.Contact
	for _, c := range r.contacts {
		match := numberStarts(c, t)
		for _, w := range strings.Fields(strings.ToLower(c.Name)) {
			match = match || strings.HasPrefix(w, t)
		}
		if match && (limit <= 0 || len(out) < limit) {
			c.Numbers = slices.Clone(c.Numbers)
			out = append(out, c)
		}
	}
	return out, nil
}

func (r *Records) contactIndex(id int64) int {
	return slices.IndexFunc(r.contacts, func(c core.Contact) bool { return c.ID == id })
}

// ContactByID implements core.Records.
func (r *Records) ContactByID(_ context.Context, id int64) (core.Contact, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return core.Contact{}, r.err
	}
	i := r.contactIndex(id)
	if i < 0 {
		return core.Contact{}, fmt.Errorf("%w: contact %d", core.ErrNotFound, id)
	}
	c := r.contacts[i]
	c.Numbers = slices.Clone(c.Numbers)
	return c, nil
}

// MatchNumber implements core.Records: the first contact with the same
// number or address.
func (r *Records) MatchNumber(_ context.Context, raw string) (core.Contact, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return core.Contact{}, false, r.err
	}
	for _, c := range r.contacts {
		for _, n := range c.Numbers {
			if core.SameNumber(n.Value, raw) {
				c.Numbers = slices.Clone(c.Numbers)
				return c, true, nil
			}
		}
	}
	return core.Contact{}, false, nil
}

// SaveContact implements core.Records: numbers without a value are
// dropped, a contact without a name takes its first number.
func (r *Records) SaveContact(_ context.Context, c *core.Contact) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	c.Name = strings.TrimSpace(c.Name)
	c.Numbers = slices.DeleteFunc(c.Numbers, func(n core.ContactNumber) bool { return strings.TrimSpace(n.Value) == "" })
	if c.Name == "" && len(c.Numbers) > 0 {
		c.Name = c.Numbers[0].Value
	}
	if c.Name == "" {
		return fmt.Errorf("%w contact: no name and no number", core.ErrInvalid)
	}
	if c.ID == 0 {
		r.lastContact++
		c.ID = r.lastContact
	} else if i := r.contactIndex(c.ID); i >= 0 {
		r.contacts = slices.Delete(r.contacts, i, i+1)
	} else {
		return fmt.Errorf("%w: contact %d", core.ErrNotFound, c.ID)
	}
	r.lastContact = max(r.lastContact, c.ID)
	saved := *c
	saved.Numbers = slices.Clone(c.Numbers)
	i, _ := slices.BinarySearchFunc(r.contacts, saved, func(a, b core.Contact) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	r.contacts = slices.Insert(r.contacts, i, saved)
	return nil
}

// DeleteContact implements core.Records.
func (r *Records) DeleteContact(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	i := r.contactIndex(id)
	if i < 0 {
		return fmt.Errorf("%w: contact %d", core.ErrNotFound, id)
	}
	r.contacts = slices.Delete(r.contacts, i, i+1)
	return nil
}

// SetFavourite implements core.Records.
func (r *Records) SetFavourite(_ context.Context, id int64, on bool) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	i := r.contactIndex(id)
	if i < 0 {
		return fmt.Errorf("%w: contact %d", core.ErrNotFound, id)
	}
	r.contacts[i].Favourite = on
	return nil
}

// SpeedDials implements core.Records: by slot, labelled with their
// contact's name unless set.
func (r *Records) SpeedDials(context.Context) ([]core.SpeedDial, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	out := make([]core.SpeedDial, 0, len(r.slots))
	for _, d := range r.slots {
		out = append(out, r.labelled(d))
	}
	slices.SortFunc(out, func(a, b core.SpeedDial) int { return a.Slot - b.Slot })
	return out, nil
}

// labelled is d with its contact's name unless it has a label; with mu
// held.
func (r *Records) labelled(d core.SpeedDial) core.SpeedDial {
	if d.Label == "" && d.ContactID != 0 {
		if i := r.contactIndex(d.ContactID); i >= 0 {
			d.Label = r.contacts[i].Name
		}
	}
	return d
}

// SpeedDial implements core.Records.
func (r *Records) SpeedDial(_ context.Context, slot int) (core.SpeedDial, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return core.SpeedDial{}, false, r.err
	}
	d, ok := r.slots[slot]
	return r.labelled(d), ok, nil
}

// SetSpeedDial implements core.Records.
func (r *Records) SetSpeedDial(_ context.Context, d core.SpeedDial) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	if d.Slot < 1 || d.Slot > core.MaxSpeedDial || strings.TrimSpace(d.Number) == "" {
		return fmt.Errorf("%w speed dial %d", core.ErrInvalid, d.Slot)
	}
	r.slots[d.Slot] = d
	return nil
}

// ClearSpeedDial implements core.Records.
func (r *Records) ClearSpeedDial(_ context.Context, slot int) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	delete(r.slots, slot)
	return nil
}
