package store

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

var (
	benchFirst = []string{"Ada", "Alan", "Grace", "Maria", "Marc", "John", "Jane", "José", "Li", "Wei", "Olga", "Ivan",
		"Fatima", "Omar", "Sofia", "Lucas", "Emma", "Noah", "Mia", "Liam", "Zoe", "Hugo", "Ines", "Yuki", "Aarav"}
	benchLast = []string{"Lovelace", "Turing", "Hopper", "Smith", "Martin", "García", "Müller", "Rossi", "Kowalski",
		"Nguyen", "Kim", "Okafor", "Silva", "Dubois", "Jensen", "Novak", "Ivanov", "Haddad", "Sato", "Patel"}
)

// fillContacts adds n contacts with one to three numbers each, in one
// transaction; it returns one number of each contact.
func fillContacts(tb testing.TB, s *Store, n int) []string {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	nums := make([]string, n)
	err := s.tx(testCtx(tb), func(tx *sql.Tx) error {
		for i := range n {
			c := Contact{Name: fmt.Sprintf("%s %s %d", benchFirst[r.IntN(len(benchFirst))], benchLast[r.IntN(len(benchLast))], i)}
			for k := range 1 + r.IntN(3) {
				num := fmt.Sprintf("+%d %d %04d %04d", 1+r.IntN(98), 10+r.IntN(89), r.IntN(10000), i)
				if k == 2 {
					num = fmt.Sprintf("sip:user%d@pbx.example.com", i)
				}
				c.Numbers = append(c.Numbers, Number{Label: "work", Value: num})
			}
			nums[i] = c.Numbers[0].Value
			if err := c.clean(); err != nil {
				return err
			}
			if err := saveContact(testCtx(tb), tx, &c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return nums
}

// raceEnabled is set under the race detector, which slows the pure-Go
// SQLite down too much for timing checks (see race_test.go).
var raceEnabled bool

func TestContactSearchOver10000IsFast(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("fills 10,000 contacts and times a search (not under -short or -race)")
	}
	s := openTemp(t)
	nums := fillContacts(t, s, 10000)
	ctx := testCtx(t)
	start := time.Now()
	if cs, err := s.SearchContacts(ctx, "lovelace", 0); err != nil || len(cs) < 300 {
		t.Fatalf("%d %v", len(cs), err)
	}
	t.Logf("first search (loads the index of 10,000 contacts): %v", time.Since(start))
	start = time.Now()
	if _, err := s.SearchContacts(ctx, "lovelace", 0); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Millisecond {
		t.Errorf("search over 10,000 contacts took %v", d)
	}
	if cs, err := s.SearchContacts(ctx, nums[4321][:8], 50); err != nil || len(cs) == 0 {
		t.Fatalf("number prefix %q: %d %v", nums[4321][:8], len(cs), err)
	}
	if c, ok, err := s.MatchNumber(ctx, "tel:"+nums[4321]); err != nil || !ok || c.Numbers[0].Value != nums[4321] {
		t.Fatalf("caller ID %+v %v %v", c, ok, err)
	}
}

func BenchmarkContactSearch10000(b *testing.B) {
	s := openTemp(b)
	nums := fillContacts(b, s, 10000)
	ctx := testCtx(b)
	for _, q := range []struct {
		name, text string
		limit      int
	}{
		{"name-prefix", "lov", 50},
		{"two-words", "mar smi", 50},
		{"one-letter", "a", 50},
		{"number-prefix", nums[1234][:7], 50},
		{"full-number", nums[1234], 50},
		{"sip-user", "user77", 50},
		{"no-match", "zzz", 50},
		{"name-all-matches", "lovelace", 0},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.SearchContacts(ctx, q.text, q.limit); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("caller-id", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok, err := s.MatchNumber(ctx, "sip:"+nums[5678]+"@pbx"); err != nil || !ok {
				b.Fatal(ok, err)
			}
		}
	})
	b.Run("list-page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Contacts(ctx, ContactQuery{Limit: 200, Offset: 5000}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkContactIndexSearch10000 is the in-memory search alone, without
// the database round trip that checks the index is current.
func BenchmarkContactIndexSearch10000(b *testing.B) {
	s := openTemp(b)
	nums := fillContacts(b, s, 10000)
	x, err := s.index(testCtx(b))
	if err != nil {
		b.Fatal(err)
	}
	for _, q := range []struct{ name, text string }{
		{"name-prefix", "lov"}, {"two-words", "mar smi"}, {"one-letter", "a"},
		{"number-prefix", nums[1234][:7]}, {"no-match", "zzz"},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				x.search(ContactQuery{Search: q.text, Limit: 50})
			}
		})
	}
}
