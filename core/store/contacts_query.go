package store

import (
	"context"
)

// ContactQuery selects contacts, sorted by name.
type ContactQuery struct {
	// Search keeps contacts matching every word: a prefix of a word of the
	// name, or of a number (compared normalised: "+44 20" finds
	// 0044-20-...). "" keeps all.
	Search     string
	Favourites bool // only starred contacts
	Limit      int  // 0 = no limit
	Offset     int
}

const contactColumns = "SELECT id, name, note, favourite, blf, uid FROM contacts"

// Contacts returns the contacts matching q, with their numbers.
func (s *Store) Contacts(ctx context.Context, q ContactQuery) ([]Contact, error) {
	x, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	page, _ := x.search(q)
	return page, nil
}

// SearchContacts is Contacts with a search text and a limit.
func (s *Store) SearchContacts(ctx context.Context, text string, limit int) ([]Contact, error) {
	return s.Contacts(ctx, ContactQuery{Search: text, Limit: limit})
}

// CountContacts is how many contacts match q (Limit and Offset ignored).
func (s *Store) CountContacts(ctx context.Context, q ContactQuery) (int, error) {
	x, err := s.index(ctx)
	if err != nil {
		return 0, err
	}
	q.Limit, q.Offset = 0, 1<<62 // count only
	_, n := x.search(q)
	return n, nil
}

// MatchNumber is caller ID: the contact owning the number or address raw
// (in any written form). A number with its country code matches one
// written without it when only one contact has those last digits.
func (s *Store) MatchNumber(ctx context.Context, raw string) (Contact, bool, error) {
	norm := Normalize(raw)
	if norm == "" {
		return Contact{}, false, nil
	}
	cs, err := queryContacts(ctx, s.db, contactColumns+
		" WHERE id IN (SELECT contact_id FROM numbers WHERE norm = ?) ORDER BY favourite DESC, id", norm)
	if err != nil {
		return Contact{}, false, err
	}
	if !IsPhoneNumber(raw) {
		// Prefer the contact whose address has the same host too.
		for _, c := range cs {
			for _, n := range c.Numbers {
				if SameNumber(n.Value, raw) {
					return c, true, nil
				}
			}
		}
	}
	if len(cs) > 0 {
		return cs[0], true, nil
	}
	t := tail(norm)
	if t == "" {
		return Contact{}, false, nil
	}
	cs, err = queryContacts(ctx, s.db, contactColumns+
		" WHERE id IN (SELECT contact_id FROM numbers WHERE tail = ?) ORDER BY id LIMIT 2", t)
	if err != nil || len(cs) != 1 {
		return Contact{}, false, err
	}
	return cs[0], true, nil
}
