package journal_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/core/store"
)

func nums(vs ...string) []store.Number {
	out := make([]store.Number, 0, len(vs))
	for _, v := range vs {
		out = append(out, store.Number{Value: v})
	}
	return out
}

func TestWatchAddress(t *testing.T) {
	for _, tc := range []struct {
		numbers []string
		want    string
	}{
		{[]string{"201", "sip:bob@pbx"}, "sip:bob@pbx"},
		{[]string{"201", " SIPS:bob@pbx "}, "SIPS:bob@pbx"},
		{[]string{"+44 20 7946", "bob@pbx"}, "bob@pbx"},
		{[]string{" ", " 201 ", "202"}, "201"},
		{nil, ""},
	} {
		if got := journal.WatchAddress(store.Contact{Numbers: nums(tc.numbers...)}); got != tc.want {
			t.Errorf("WatchAddress(%q) = %q, want %q", tc.numbers, got, tc.want)
		}
	}
	if got := journal.SlotAddress(store.SpeedDial{Slot: 2, Number: " 203 "}); got != "203" {
		t.Errorf("SlotAddress = %q", got)
	}
}

func TestWatchSet(t *testing.T) {
	cs := []store.Contact{
		{Name: "bob", BLF: true, Numbers: nums("201", "sip:bob@pbx")},
		{Name: "carol", BLF: false, Numbers: nums("202")}, // not marked
		{Name: "dave", BLF: true, Numbers: nums("204")},
		{Name: "empty", BLF: true},
	}
	keys := []store.SpeedDial{{Slot: 1, Number: "204"}, {Slot: 2, Number: "202"}, {Slot: 3, Number: " "}}
	want := []string{"202", "204", "sip:bob@pbx"}
	if got := journal.WatchSet(cs, keys); !slices.Equal(got, want) {
		t.Fatalf("WatchSet = %q, want %q", got, want)
	}
	if got := journal.WatchSet(nil, nil); len(got) != 0 {
		t.Fatalf("empty WatchSet = %q", got)
	}
}

// applier records each set the watch list applies.
type applier struct {
	mu   sync.Mutex
	sets [][]string
	err  error
}

func (a *applier) apply(_ context.Context, uris []string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sets = append(a.sets, slices.Clone(uris))
	return a.err
}

func (a *applier) applied() [][]string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.sets)
}

// TestWatchlistFollowsStoreAndExplicit: the union of the store's set and
// the explicit one is applied, again only when it changes.
func TestWatchlistFollowsStoreAndExplicit(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	bob := store.Contact{Name: "bob", BLF: true, Numbers: nums("sip:bob@pbx")}
	if err := st.SaveContact(ctx, &bob); err != nil {
		t.Fatal(err)
	}
	a := &applier{}
	w := journal.NewWatchlist(st, a.apply, nil)
	if err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Refresh(ctx); err != nil { // nothing changed: not applied again
		t.Fatal(err)
	}
	if err := w.SetExplicit(ctx, []string{" 300 ", "sip:bob@pbx", ""}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetSpeedDial(ctx, store.SpeedDial{Slot: 1, Number: "201"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.SetExplicit(ctx, nil); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"sip:bob@pbx"},
		{"300", "sip:bob@pbx"},
		{"201", "300", "sip:bob@pbx"},
		{"201", "sip:bob@pbx"},
	}
	got := a.applied()
	if !slices.EqualFunc(got, want, slices.Equal) {
		t.Fatalf("applied %q, want %q", got, want)
	}
	if last := w.Watched(); !slices.Equal(last, want[len(want)-1]) {
		t.Fatalf("Watched = %q", last)
	}
}

// TestWatchlistFailedApplyNotRetried: a set apply refuses is not applied
// again every minute, and the explicit set's error is the caller's.
func TestWatchlistFailedApplyNotRetried(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	if err := st.SetSpeedDial(ctx, store.SpeedDial{Slot: 1, Number: "201"}); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("refused")
	a := &applier{err: refused}
	w := journal.NewWatchlist(st, a.apply, nil)
	if err := w.Refresh(ctx); !errors.Is(err, refused) {
		t.Fatalf("first Refresh: %v", err)
	}
	if err := w.Refresh(ctx); err != nil {
		t.Fatalf("second Refresh: %v, want nothing applied", err)
	}
	if err := w.SetExplicit(ctx, []string{"300"}); !errors.Is(err, refused) {
		t.Fatalf("SetExplicit: %v", err)
	}
	if n := len(a.applied()); n != 2 {
		t.Fatalf("applied %d times, want 2", n)
	}
}

// TestWatchlistRunAppliesAtStart: Run applies the store's set at once.
func TestWatchlistRunAppliesAtStart(t *testing.T) {
	st := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	if err := st.SetSpeedDial(ctx, store.SpeedDial{Slot: 1, Number: "201"}); err != nil {
		t.Fatal(err)
	}
	applied := make(chan []string, 1)
	w := journal.NewWatchlist(st, func(_ context.Context, uris []string) error {
		applied <- uris
		return nil
	}, nil)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	select {
	case got := <-applied:
		if !slices.Equal(got, []string{"201"}) {
			t.Fatalf("applied %q", got)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing applied")
	}
	cancel()
	<-done
}
