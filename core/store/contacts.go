package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// Number is one phone number or SIP address of a contact.
type Number struct {
	Label string `json:"label,omitempty"` // "mobile", "work", "sip"...
	Value string `json:"value"`           // as entered
}

// Contact is one entry of the address book.
type Contact struct {
	ID        int64    `json:"id"`
	Name      string   `json:"name"`
	Numbers   []Number `json:"numbers"`
	Favourite bool     `json:"favourite,omitempty"`
	BLF       bool     `json:"blf,omitempty"` // watch presence (busy lamp field)
	Note      string   `json:"note,omitempty"`
	UID       string   `json:"uid,omitempty"` // the vCard UID, kept for round trips
}

// ErrInvalid is returned for a contact or slot that cannot be saved.
var ErrInvalid = errors.New("store: invalid")

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// clean trims the contact and drops empty or repeated numbers.
func (c *Contact) clean() error {
	c.Name, c.Note = strings.TrimSpace(c.Name), strings.TrimSpace(c.Note)
	var nums []Number
	for _, n := range c.Numbers {
		n.Value, n.Label = strings.TrimSpace(n.Value), strings.TrimSpace(n.Label)
		if n.Value == "" || Normalize(n.Value) == "" || hasNumber(nums, n.Value) {
			continue
		}
		nums = append(nums, n)
	}
	c.Numbers = nums
	if c.Name == "" && len(nums) > 0 {
		c.Name = nums[0].Value
	}
	if c.Name == "" {
		return fmt.Errorf("%w contact: no name and no number", ErrInvalid)
	}
	return nil
}

// SameNumber reports whether two written numbers or addresses are the
// same: equal once normalised for phone numbers, equal user@host
// (case-insensitive, without scheme or parameters) for SIP addresses.
func SameNumber(a, b string) bool {
	na, nb := Normalize(a), Normalize(b)
	if na != nb || na == "" {
		return false
	}
	if IsPhoneNumber(a) && IsPhoneNumber(b) {
		return true
	}
	return canonURI(a) == canonURI(b)
}

func canonURI(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	for _, scheme := range []string{"sips:", "sip:", "tel:"} {
		v = strings.TrimPrefix(v, scheme)
	}
	v, _, _ = strings.Cut(v, "?")
	user, host, found := strings.Cut(v, "@")
	host, _, _ = strings.Cut(host, ";")
	user, _, _ = strings.Cut(user, ";")
	if !found {
		return user
	}
	return user + "@" + host
}

func hasNumber(nums []Number, v string) bool {
	for _, n := range nums {
		if SameNumber(n.Value, v) {
			return true
		}
	}
	return false
}

// SaveContact adds c (ID 0) or replaces the stored one, numbers included;
// c.ID is set on return.
func (s *Store) SaveContact(ctx context.Context, c *Contact) error {
	if err := c.clean(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *sql.Tx) error { return saveContact(ctx, tx, c) })
}

func saveContact(ctx context.Context, q queryer, c *Contact) error {
	if c.ID == 0 {
		res, err := q.ExecContext(ctx, "INSERT INTO contacts (name, note, favourite, blf, uid, name_key) VALUES (?, ?, ?, ?, ?, ?)",
			c.Name, c.Note, c.Favourite, c.BLF, c.UID, foldName(c.Name))
		if err != nil {
			return fmt.Errorf("store: add contact %q: %w", c.Name, err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: add contact %q: %w", c.Name, err)
		}
	} else {
		res, err := q.ExecContext(ctx, "UPDATE contacts SET name = ?, note = ?, favourite = ?, blf = ?, uid = ?, name_key = ? WHERE id = ?",
			c.Name, c.Note, c.Favourite, c.BLF, c.UID, foldName(c.Name), c.ID)
		if err != nil {
			return fmt.Errorf("store: update contact %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("%w: contact %d", ErrNotFound, c.ID)
		}
		if _, err := q.ExecContext(ctx, "DELETE FROM numbers WHERE contact_id = ?", c.ID); err != nil {
			return fmt.Errorf("store: update contact %d: %w", c.ID, err)
		}
	}
	for i, n := range c.Numbers {
		norm := Normalize(n.Value)
		if _, err := q.ExecContext(ctx, "INSERT INTO numbers (contact_id, label, value, norm, tail, pos) VALUES (?, ?, ?, ?, ?, ?)",
			c.ID, n.Label, n.Value, norm, tail(norm), i); err != nil {
			return fmt.Errorf("store: number %q of %q: %w", n.Value, c.Name, err)
		}
	}
	return nil
}

// ContactByID returns one contact with its numbers.
func (s *Store) ContactByID(ctx context.Context, id int64) (Contact, error) {
	cs, err := queryContacts(ctx, s.db, "SELECT id, name, note, favourite, blf, uid FROM contacts WHERE id = ?", id)
	if err != nil {
		return Contact{}, err
	}
	if len(cs) == 0 {
		return Contact{}, fmt.Errorf("%w: contact %d", ErrNotFound, id)
	}
	return cs[0], nil
}

// DeleteContact removes a contact and its numbers (speed-dial slots keep
// their number).
func (s *Store) DeleteContact(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM contacts WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete contact %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: contact %d", ErrNotFound, id)
	}
	return nil
}

// SetFavourite stars or unstars a contact.
func (s *Store) SetFavourite(ctx context.Context, id int64, on bool) error {
	res, err := s.db.ExecContext(ctx, "UPDATE contacts SET favourite = ? WHERE id = ?", on, id)
	if err != nil {
		return fmt.Errorf("store: favourite %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: contact %d", ErrNotFound, id)
	}
	return nil
}

// queryContacts runs a query of (id, name, note, favourite, blf, uid) rows and
// loads their numbers.
func queryContacts(ctx context.Context, q queryer, query string, args ...any) ([]Contact, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: contacts: %w", err)
	}
	var out []Contact
	for rows.Next() {
		var c Contact
		if err := rows.Scan(&c.ID, &c.Name, &c.Note, &c.Favourite, &c.BLF, &c.UID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: contacts: %w", err)
		}
		out = append(out, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: contacts: %w", err)
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, loadNumbers(ctx, q, out)
}

// loadNumbers fills the contacts' numbers, a few hundred per query.
func loadNumbers(ctx context.Context, q queryer, cs []Contact) error {
	const chunk = 500
	idx := make(map[int64]int, len(cs))
	for i, c := range cs {
		idx[c.ID] = i
	}
	for start := 0; start < len(cs); start += chunk {
		part := cs[start:min(start+chunk, len(cs))]
		args := make([]any, len(part))
		for i, c := range part {
			args[i] = c.ID
		}
		if err := scanNumbers(ctx, q, cs, idx, args); err != nil {
			return err
		}
	}
	return nil
}

func scanNumbers(ctx context.Context, q queryer, cs []Contact, idx map[int64]int, ids []any) error {
	rows, err := q.QueryContext(ctx, "SELECT contact_id, label, value FROM numbers WHERE contact_id IN ("+
		placeholders(len(ids))+") ORDER BY contact_id, pos, id", ids...)
	if err != nil {
		return fmt.Errorf("store: numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n Number
		if err := rows.Scan(&id, &n.Label, &n.Value); err != nil {
			return fmt.Errorf("store: numbers: %w", err)
		}
		cs[idx[id]].Numbers = append(cs[idx[id]].Numbers, n)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: numbers: %w", err)
	}
	return nil
}
