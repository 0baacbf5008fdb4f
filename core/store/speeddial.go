package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// MaxSlot is the highest speed-dial slot (1–9 on the keypad, more from
// the contacts screen and the CLI).
const MaxSlot = 99

// SpeedDial is one slot: long-pressing its digit (or `softphone call 2`)
// calls Number.
type SpeedDial struct {
	Slot      int    `json:"slot"`
	Number    string `json:"number"`
	Label     string `json:"label,omitempty"`      // the contact's name unless set
	ContactID int64  `json:"contact_id,omitempty"` // 0 when not from a contact
}

// ParseSlot reads a slot number ("1".."99"); ok is false for anything
// else (an extension such as "0", "100" or "123").
func ParseSlot(s string) (int, bool) {
	if len(s) == 0 || len(s) > 2 || strings.HasPrefix(s, "0") {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxSlot {
		return 0, false
	}
	return n, true
}

// SetSpeedDial fills (or replaces) a slot.
func (s *Store) SetSpeedDial(ctx context.Context, d SpeedDial) error {
	d.Number, d.Label = strings.TrimSpace(d.Number), strings.TrimSpace(d.Label)
	if d.Slot < 1 || d.Slot > MaxSlot {
		return fmt.Errorf("%w speed-dial slot %d (1–%d)", ErrInvalid, d.Slot, MaxSlot)
	}
	if Normalize(d.Number) == "" {
		return fmt.Errorf("%w speed-dial number %q", ErrInvalid, d.Number)
	}
	var contact any
	if d.ContactID != 0 {
		contact = d.ContactID
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO speed_dial (slot, number, label, contact_id) VALUES (?, ?, ?, ?)
		ON CONFLICT(slot) DO UPDATE SET number = excluded.number, label = excluded.label, contact_id = excluded.contact_id`,
		d.Slot, d.Number, d.Label, contact)
	if err != nil {
		return fmt.Errorf("store: speed dial %d: %w", d.Slot, err)
	}
	return nil
}

// ClearSpeedDial empties a slot (no error if it was empty).
func (s *Store) ClearSpeedDial(ctx context.Context, slot int) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM speed_dial WHERE slot = ?", slot); err != nil {
		return fmt.Errorf("store: clear speed dial %d: %w", slot, err)
	}
	return nil
}

const speedDialColumns = `SELECT d.slot, d.number, COALESCE(NULLIF(d.label, ''), c.name, ''), COALESCE(d.contact_id, 0)
	FROM speed_dial d LEFT JOIN contacts c ON c.id = d.contact_id`

// SpeedDial returns a slot; ok is false when it is empty.
func (s *Store) SpeedDial(ctx context.Context, slot int) (d SpeedDial, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, speedDialColumns+" WHERE d.slot = ?", slot).Scan(&d.Slot, &d.Number, &d.Label, &d.ContactID)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, nil
	}
	if err != nil {
		return d, false, fmt.Errorf("store: speed dial %d: %w", slot, err)
	}
	return d, true, nil
}

// SpeedDials lists the filled slots in order.
func (s *Store) SpeedDials(ctx context.Context) ([]SpeedDial, error) {
	rows, err := s.db.QueryContext(ctx, speedDialColumns+" ORDER BY d.slot")
	if err != nil {
		return nil, fmt.Errorf("store: speed dials: %w", err)
	}
	defer rows.Close()
	var out []SpeedDial
	for rows.Next() {
		var d SpeedDial
		if err := rows.Scan(&d.Slot, &d.Number, &d.Label, &d.ContactID); err != nil {
			return nil, fmt.Errorf("store: speed dials: %w", err)
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: speed dials: %w", err)
	}
	return out, nil
}

// ResolveDial turns what the user asked to call into an address: a filled
// speed-dial slot ("2") becomes its number; anything else is returned as
// is, with slot false.
func (s *Store) ResolveDial(ctx context.Context, target string) (to string, slot bool, err error) {
	n, ok := ParseSlot(strings.TrimSpace(target))
	if !ok {
		return target, false, nil
	}
	d, found, err := s.SpeedDial(ctx, n)
	if err != nil || !found {
		return target, false, err
	}
	return d.Number, true, nil
}
