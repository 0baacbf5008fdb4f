package store

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/emersion/go-vcard"
)

// CardError is a card of an imported file that was skipped.
type CardError struct {
	Position int    // 1 for the file's first card
	Line     int    // where the card starts
	Name     string // its FN, when it had one
	Err      error
}

func (e *CardError) Error() string {
	s := fmt.Sprintf("card %d (line %d)", e.Position, e.Line)
	if e.Name != "" {
		s += fmt.Sprintf(" %q", e.Name)
	}
	return s + ": " + e.Err.Error()
}

func (e *CardError) Unwrap() error { return e.Err }

// ImportResult is what an import did.
type ImportResult struct {
	Added   int          // new contacts
	Merged  int          // cards merged into a contact sharing a number (or UID)
	Skipped []*CardError // bad cards, by position; the others were imported
}

// block is the raw text of one card.
type block struct {
	pos, line int
	text      string
	err       error
}

// splitCards cuts a file into BEGIN:VCARD…END:VCARD blocks, so that one
// broken card (no END, junk) cannot swallow the next.
func splitCards(r io.Reader) ([]block, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	var (
		out    []block
		cur    block
		inCard bool
		inJunk bool
		text   strings.Builder
	)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if n == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		key := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case key == "BEGIN:VCARD":
			if inCard {
				cur.err = errors.New("no END:VCARD before the next card")
				out = append(out, cur)
			}
			inCard, inJunk = true, false
			cur = block{pos: len(out) + 1, line: n}
			text.Reset()
			text.WriteString(line + "\r\n")
		case inCard:
			text.WriteString(line + "\r\n")
			if key == "END:VCARD" {
				cur.text = text.String()
				out = append(out, cur)
				inCard = false
			}
		case key != "" && !inJunk:
			out = append(out, block{pos: len(out) + 1, line: n, err: errors.New("text outside BEGIN:VCARD…END:VCARD")})
			inJunk = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("store: read vCard: %w", err)
	}
	if inCard {
		cur.err = errors.New("no END:VCARD at the end of the file")
		out = append(out, cur)
	}
	return out, nil
}

// Import reads vCard 3.0/4.0 cards from r. A card sharing a number (or a
// UID) with a contact is merged into it instead of doubling it; bad cards
// are reported in Skipped and the rest imported, in one transaction.
func (s *Store) Import(ctx context.Context, r io.Reader) (ImportResult, error) {
	var res ImportResult
	blocks, err := splitCards(r)
	if err != nil {
		return res, err
	}
	var cards []Contact
	var positions []int
	for _, b := range blocks {
		c, err := parseBlock(b)
		if err != nil {
			ce := &CardError{Position: b.pos, Line: b.line, Name: c.Name, Err: err}
			res.Skipped = append(res.Skipped, ce)
			continue
		}
		cards = append(cards, c)
		positions = append(positions, b.pos)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		for i := range cards {
			merged, err := importOne(ctx, tx, &cards[i])
			if err != nil {
				return fmt.Errorf("card %d: %w", positions[i], err)
			}
			if merged {
				res.Merged++
			} else {
				res.Added++
			}
		}
		return nil
	})
	if err != nil {
		return ImportResult{Skipped: res.Skipped}, fmt.Errorf("store: import: %w", err)
	}
	return res, nil
}

func parseBlock(b block) (Contact, error) {
	if b.err != nil {
		return Contact{}, b.err
	}
	card, err := vcard.NewDecoder(strings.NewReader(b.text)).Decode()
	if err != nil {
		return Contact{}, err
	}
	c, err := fromCard(card)
	if err != nil {
		return c, err
	}
	return c, c.clean()
}

// importOne merges c into the contact sharing a number or UID, or adds it.
func importOne(ctx context.Context, tx *sql.Tx, c *Contact) (merged bool, err error) {
	id, err := findDuplicate(ctx, tx, c)
	if err != nil || id == 0 {
		if err == nil {
			err = saveContact(ctx, tx, c)
		}
		return false, err
	}
	olds, err := queryContacts(ctx, tx, contactColumns+" WHERE id = ?", id)
	if err != nil || len(olds) == 0 {
		return false, err
	}
	old := olds[0]
	for _, n := range c.Numbers {
		if !hasNumber(old.Numbers, n.Value) {
			old.Numbers = append(old.Numbers, n)
		}
	}
	old.Favourite = old.Favourite || c.Favourite
	old.BLF = old.BLF || c.BLF
	if c.Note != "" && !strings.Contains(old.Note, c.Note) {
		old.Note = strings.TrimSpace(old.Note + "\n" + c.Note)
	}
	if old.UID == "" {
		old.UID = c.UID
	}
	if err := old.clean(); err != nil {
		return false, err
	}
	*c = old
	return true, saveContact(ctx, tx, c)
}

// findDuplicate is the id of a contact with one of c's numbers (or its
// UID), 0 if none.
func findDuplicate(ctx context.Context, q queryer, c *Contact) (int64, error) {
	if c.UID != "" {
		var id int64
		err := q.QueryRowContext(ctx, "SELECT id FROM contacts WHERE uid = ? ORDER BY id LIMIT 1", c.UID).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	for _, n := range c.Numbers {
		rows, err := q.QueryContext(ctx, "SELECT contact_id, value FROM numbers WHERE norm = ? ORDER BY contact_id", Normalize(n.Value))
		if err != nil {
			return 0, err
		}
		var found int64
		for rows.Next() && found == 0 {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return 0, err
			}
			if SameNumber(v, n.Value) {
				found = id
			}
		}
		rows.Close()
		if found != 0 {
			return found, nil
		}
	}
	return 0, nil
}
