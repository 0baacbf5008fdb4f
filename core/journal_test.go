package core_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
)

// journalStore opens a store in dir for a phone started after it: the
// store closes after the phone (cleanups run last first), so the journal
// writes the phone's last events.
func journalStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	st, err := store.OpenDir(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// waitJournal returns the first JournalEvent f accepts.
func waitJournal(t *testing.T, events <-chan core.Event, what string, f func(core.JournalEvent) bool) core.JournalEvent {
	t.Helper()
	return waitFor(t, events, 5*time.Second, what, func(e core.Event) bool {
		je, ok := e.(core.JournalEvent)
		return ok && f(je)
	}).(core.JournalEvent)
}

// TestHistoryOfADirectCall: both phones keep the same call in their
// journal, each from its side, answered, held, ended with quality
// figures; and a call nobody answers is a missed one on the callee's side.
func TestHistoryOfADirectCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sa, sb := journalStore(t, t.TempDir()), journalStore(t, t.TempDir())
	a := startTonePhone(t, directConfig, 440, allCodecs, core.WithStore(sa))
	b := startTonePhone(t, directConfig, 1000, allCodecs, core.WithStore(sb))

	id, err := b.Dial(context.Background(), "sip:anyone@"+a.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, a.events, 5*time.Second, call.Incoming)
	if err := a.Answer(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	waitCall(t, b.events, 5*time.Second, call.Connected)
	if err := b.Hold(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	waitCall(t, b.events, 5*time.Second, call.Held)
	if err := b.Resume(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	waitCall(t, b.events, 5*time.Second, call.Connected)
	time.Sleep(time.Second)
	if err := b.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, b.events, 5*time.Second)
	waitEnded(t, a.events, 5*time.Second)

	// Missed: b calls, gives up before a answers.
	id2, err := b.Dial(context.Background(), "sip:anyone@"+a.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, a.events, 5*time.Second, call.Incoming)
	if err := b.Hangup(id2); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, a.events, 5*time.Second)
	waitEnded(t, b.events, 5*time.Second)

	// Close returns once the journal has written the calls' last events.
	if err := a.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	out, err := sb.CallByCallID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !out.Outgoing() || out.Answered.IsZero() || out.Holds != 1 || out.Reason != "hung up" || out.Codec == "" ||
		out.Quality.PacketsReceived == 0 || out.Duration < 500*time.Millisecond || out.Interrupted {
		t.Fatalf("caller's record %+v", out)
	}
	got, err := sa.Recent(ctx, 10)
	if err != nil || len(got) != 2 {
		t.Fatalf("callee's history %+v %v", got, err)
	}
	missed, answered := got[0], got[1]
	if answered.Outgoing() || answered.Reason != "remote hung up" || answered.Missed || answered.Quality.PacketsSent == 0 {
		t.Fatalf("callee's answered call %+v", answered)
	}
	if !missed.Missed || missed.Seen {
		t.Fatalf("callee's missed call %+v", missed)
	}
	if n, _ := sa.UnseenMissed(ctx); n != 1 {
		t.Fatalf("unseen missed %d", n)
	}
}

// TestJournalEventCountsMissedCall: the callee's journal reports the
// missed call with the store's count, the read model takes it, and
// MarkMissedSeen through the phone reports the count going back to zero.
func TestJournalEventCountsMissedCall(t *testing.T) {
	sa := journalStore(t, t.TempDir())
	a := startTonePhone(t, directConfig, 440, allCodecs, core.WithStore(sa))
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	id, err := b.Dial(context.Background(), "sip:anyone@"+a.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, a.events, 5*time.Second, call.Incoming)
	if err := b.Hangup(id); err != nil {
		t.Fatal(err)
	}
	got := waitJournal(t, a.events, "the missed call written", func(e core.JournalEvent) bool {
		return e.CallID == in.ID && e.UnseenMissed > 0
	})
	if got.UnseenMissed != 1 || got.Unread != 0 {
		t.Fatalf("journal event %+v, want 1 unseen missed and 0 unread", got)
	}
	if s := a.State(); s.UnseenMissed != 1 || s.Version < got.Version() {
		t.Fatalf("state: %d unseen missed at version %d", s.UnseenMissed, s.Version)
	}
	if err := a.MarkMissedSeen(context.Background()); err != nil {
		t.Fatal(err)
	}
	seen := waitJournal(t, a.events, "the count after MarkMissedSeen", func(e core.JournalEvent) bool { return e.CallID == "" })
	if seen.UnseenMissed != 0 || a.State().UnseenMissed != 0 {
		t.Fatalf("after MarkMissedSeen: %+v, state %d", seen, a.State().UnseenMissed)
	}
}

// TestCallContactFromStore: a call to or from a number in the contacts
// carries the contact's name from its first event; others carry none.
func TestCallContactFromStore(t *testing.T) {
	ctx := context.Background()
	sa := journalStore(t, t.TempDir())
	a := startTonePhone(t, directConfig, 440, allCodecs, core.WithStore(sa))
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	bob := core.Contact{Name: "Bob Builder", Numbers: []core.ContactNumber{{Value: "sip:bob@" + b.State().Listen}}}
	if err := a.SaveContact(ctx, &bob); err != nil {
		t.Fatal(err)
	}

	// Outgoing: the first event already names bob.
	id, err := a.Dial(ctx, "sip:bob@"+b.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	first := nextCall(t, a.events, 5*time.Second, "the call's first event", func(i call.Info) bool { return i.ID == id })
	if first.Contact != "Bob Builder" {
		t.Fatalf("outgoing call's first event: contact %q", first.Contact)
	}
	if err := a.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, a.events, 5*time.Second)
	waitEnded(t, b.events, 5*time.Second)

	// Incoming from an unknown caller: no name. Once the caller is a
	// contact, the next call from it rings with the name.
	in := ringFrom(t, b, a)
	if in.Contact != "" {
		t.Fatalf("unknown caller named %q", in.Contact)
	}
	carol := core.Contact{Name: "Carol", Numbers: []core.ContactNumber{{Value: in.Remote.URI}}}
	if err := a.SaveContact(ctx, &carol); err != nil {
		t.Fatal(err)
	}
	if in = ringFrom(t, b, a); in.Contact != "Carol" {
		t.Fatalf("incoming call from %s: contact %q, want Carol", in.Remote.URI, in.Contact)
	}
}

// ringFrom has from call to, returns the call as it first rings at to,
// then ends it.
func ringFrom(t *testing.T, from, to *tonePhone) call.Info {
	t.Helper()
	id, err := from.Dial(context.Background(), "sip:anyone@"+to.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, to.events, 5*time.Second, call.Incoming)
	if err := from.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, to.events, 5*time.Second)
	waitEnded(t, from.events, 5*time.Second)
	return in
}

// TestWatchFollowsContactsAndKeys: the phone watches the contacts marked
// BLF and the speed-dial keys of its store, with the set a front-end gives
// Watch, and follows the phone's own edits at once.
func TestWatchFollowsContactsAndKeys(t *testing.T) {
	ctx := context.Background()
	st := journalStore(t, t.TempDir())
	dave := core.Contact{Name: "Dave", BLF: true, Numbers: []core.ContactNumber{{Value: "204"}}}
	if err := st.SaveContact(ctx, &dave); err != nil {
		t.Fatal(err)
	}
	p, _ := startPhone(t, writeRawConfig(t, directConfig), core.WithStore(st))
	watching := func(want ...string) {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second) // Start applies the store's set on its own goroutine
		for {
			got := watchedKeys(p)
			if slices.Equal(got, want) {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("watching %q, want %q", got, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	watching("204")

	bob := core.Contact{Name: "Bob", BLF: true, Numbers: []core.ContactNumber{{Value: "201"}, {Value: "sip:bob@pbx.example.org"}}}
	if err := p.SaveContact(ctx, &bob); err != nil {
		t.Fatal(err)
	}
	if got := watchedKeys(p); !slices.Equal(got, []string{"204", "sip:bob@pbx.example.org"}) {
		t.Fatalf("after saving bob: watching %q", got)
	}
	if err := p.Watch(ctx, []string{"300"}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetSpeedDial(ctx, core.SpeedDial{Slot: 2, Number: "202"}); err != nil {
		t.Fatal(err)
	}
	if got := watchedKeys(p); !slices.Equal(got, []string{"202", "204", "300", "sip:bob@pbx.example.org"}) {
		t.Fatalf("with a key and an explicit set: watching %q", got)
	}
	if err := p.DeleteContact(ctx, dave.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.ClearSpeedDial(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if got := watchedKeys(p); !slices.Equal(got, []string{"300", "sip:bob@pbx.example.org"}) {
		t.Fatalf("after the deletions: watching %q", got)
	}
}

// watchedKeys is what p watches, sorted.
func watchedKeys(p *core.Engine) []string {
	var out []string
	for k := range p.State().Lamps {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
