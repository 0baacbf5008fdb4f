package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// contactIndex holds every contact in memory, in name order, with a
// sorted list of every name word and normalised number: a search word is a
// binary search and a walk over its matches, the other words of the search
// are checked on each candidate's keys, and the page is copied out, with no
// SQL. It is reloaded when contacts_gen, bumped by triggers on every change
// of a contact or number from any process, has moved.
type contactIndex struct {
	gen      int64
	contacts []Contact // name order
	keys     []string  // contact i's words and numbers, each after its separator
	postings []posting // every word and number, sorted by key
}

// posting is one word or number of contact entry.
type posting struct {
	key    string
	entry  int32
	number bool
}

// Separators in keys: before a name word, before a number.
const (
	sepWord   = "\x01"
	sepNumber = "\x02"
)

var stripSeps = strings.NewReplacer(sepWord, "", sepNumber, "")

// matcher is one search word: a number prefix, or a word prefix that may
// also start a SIP user name.
type matcher struct {
	prefix string
	number bool
}

func matchers(search string) []matcher {
	terms := strings.Fields(search)
	if IsPhoneNumber(search) {
		terms = []string{search} // "+44 20 79" is one number, not three words
	}
	var ms []matcher
	for _, term := range terms {
		if IsPhoneNumber(term) {
			if n := numberPrefix(term); n != "" {
				ms = append(ms, matcher{prefix: n, number: true})
			}
			continue
		}
		for _, w := range words(term) {
			ms = append(ms, matcher{prefix: w})
		}
	}
	return ms
}

// numberPrefix normalises the start of a number being typed: as Normalize,
// but the 00 international prefix goes however short the rest is.
func numberPrefix(term string) string {
	return strings.TrimPrefix(Normalize(term), "00")
}

// in reports whether the keys of one contact hold the prefix.
func (m matcher) in(keys string) bool {
	return strings.Contains(keys, sepNumber+m.prefix) || (!m.number && strings.Contains(keys, sepWord+m.prefix))
}

// span is the postings starting with prefix.
func (x *contactIndex) span(prefix string) []posting {
	lo := sort.Search(len(x.postings), func(k int) bool { return x.postings[k].key >= prefix })
	hi := lo + sort.Search(len(x.postings)-lo, func(k int) bool { return !strings.HasPrefix(x.postings[lo+k].key, prefix) })
	return x.postings[lo:hi]
}

// candidates are the contacts (ascending) with a posting in span that m
// accepts.
func (x *contactIndex) candidates(m matcher, span []posting) []int {
	hit := make([]bool, len(x.contacts))
	n := 0
	for _, p := range span {
		if (p.number || !m.number) && !hit[p.entry] {
			hit[p.entry] = true
			n++
		}
	}
	out := make([]int, 0, n)
	for i, h := range hit {
		if h {
			out = append(out, i)
		}
	}
	return out
}

// search returns the page q asks for (copies) and how many match.
func (x *contactIndex) search(q ContactQuery) (page []Contact, total int) {
	ms := matchers(q.Search)
	var cand []int
	if len(ms) == 0 {
		cand = make([]int, len(x.contacts))
		for i := range cand {
			cand[i] = i
		}
	} else {
		// Walk the word with the fewest postings, check the others.
		best, bestSpan := 0, x.span(ms[0].prefix)
		for i := 1; i < len(ms); i++ {
			if sp := x.span(ms[i].prefix); len(sp) < len(bestSpan) {
				best, bestSpan = i, sp
			}
		}
		cand = x.candidates(ms[best], bestSpan)
		ms = append(ms[:best:best], ms[best+1:]...)
	}
	end := len(x.contacts) + 1
	if q.Limit > 0 {
		end = q.Offset + q.Limit
	}
	for _, i := range cand {
		if q.Favourites && !x.contacts[i].Favourite || !allIn(ms, x.keys[i]) {
			continue
		}
		if total >= q.Offset && total < end {
			c := x.contacts[i]
			c.Numbers = slices.Clone(c.Numbers)
			page = append(page, c)
		}
		total++
	}
	return page, total
}

func allIn(ms []matcher, keys string) bool {
	for _, m := range ms {
		if !m.in(keys) {
			return false
		}
	}
	return true
}

// index returns the current search index, reloading it if contacts
// changed since it was built.
func (s *Store) index(ctx context.Context) (*contactIndex, error) {
	var gen int64
	if err := s.db.QueryRowContext(ctx, "SELECT gen FROM contacts_gen").Scan(&gen); err != nil {
		return nil, fmt.Errorf("store: contacts generation: %w", err)
	}
	s.idxMu.Lock()
	defer s.idxMu.Unlock()
	if s.idx != nil && s.idx.gen == gen {
		return s.idx, nil
	}
	x, err := loadIndex(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.idx = x
	return x, nil
}

// loadIndex reads every contact in one read transaction, so that the
// generation matches what was read.
func loadIndex(ctx context.Context, db *sql.DB) (*contactIndex, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("store: search index: %w", err)
	}
	defer tx.Rollback()
	x := &contactIndex{}
	if err := tx.QueryRowContext(ctx, "SELECT gen FROM contacts_gen").Scan(&x.gen); err != nil {
		return nil, fmt.Errorf("store: search index: %w", err)
	}
	x.contacts, err = queryContacts(ctx, tx, contactColumns+" ORDER BY name_key, id")
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	for i, c := range x.contacts {
		b.Reset()
		for _, w := range words(c.Name) {
			b.WriteString(sepWord + w)
			x.postings = append(x.postings, posting{key: w, entry: int32(i)})
		}
		for _, n := range c.Numbers {
			norm := stripSeps.Replace(Normalize(n.Value))
			b.WriteString(sepNumber + norm)
			x.postings = append(x.postings, posting{key: norm, entry: int32(i), number: true})
		}
		x.keys = append(x.keys, b.String())
	}
	sort.Slice(x.postings, func(a, b int) bool { return x.postings[a].key < x.postings[b].key })
	return x, nil
}
