package journal_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
)

// openStore opens a fresh store that outlives the test's journal.
func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.OpenDir(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// rig is a journal on a bus of its own, with a subscriber watching what
// it publishes.
type rig struct {
	bus     *state.Bus
	j       *journal.Journal
	watched <-chan state.Event
}

func startJournal(t *testing.T, st *store.Store) *rig {
	t.Helper()
	bus := state.NewBus(state.State{})
	watched, unwatch := bus.Subscribe()
	t.Cleanup(unwatch)
	j := journal.New(st, bus.Publish, nil)
	events, unsubscribe := bus.Subscribe()
	j.Start(events, unsubscribe)
	r := &rig{bus: bus, j: j, watched: watched}
	t.Cleanup(r.stop)
	return r
}

func (r *rig) stop() { r.j.Stop(r.bus.State().Version) }

// waitJournal returns the first JournalEvent f accepts.
func (r *rig) waitJournal(t *testing.T, what string, f func(state.JournalEvent) bool) state.JournalEvent {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-r.watched:
			if je, ok := e.(state.JournalEvent); ok && f(je) {
				return je
			}
		case <-deadline:
			t.Fatalf("no journal event: %s", what)
		}
	}
}

func ringing(id string, at time.Time) call.Info {
	return call.Info{ID: id, Direction: call.Inbound, Remote: call.Party{URI: "sip:bob@example.org"},
		State: call.Incoming, Started: at}
}

// TestJournalReportsMissedCallAndUnreadCounts: a call nobody answered and
// a received message are written, each write reported with the store's
// counts, and the read model takes them.
func TestJournalReportsMissedCallAndUnreadCounts(t *testing.T) {
	st := openStore(t)
	r := startJournal(t, st)
	first := r.waitJournal(t, "the counts at start", func(state.JournalEvent) bool { return true })
	if first.UnseenMissed != 0 || first.Unread != 0 || first.CallID != "" {
		t.Fatalf("first report %+v, want empty counts", first)
	}

	now := time.Now()
	in := ringing("c1", now)
	r.bus.Publish(state.CallEvent{Info: in})
	in.State, in.Reason, in.EndedAt = call.Ended, "cancelled by caller", now.Add(time.Second)
	r.bus.Publish(state.CallEvent{Info: in})
	got := r.waitJournal(t, "the missed call", func(e state.JournalEvent) bool { return e.CallID == "c1" && e.UnseenMissed > 0 })
	if got.UnseenMissed != 1 || got.Unread != 0 {
		t.Fatalf("after a missed call: %+v, want 1 unseen missed, 0 unread", got)
	}

	r.bus.Publish(state.MessageEvent{Message: state.Message{Key: "in:x1", Peer: "sip:bob@example.org", Incoming: true,
		Text: "hi", State: state.MessageReceived, At: now}})
	got = r.waitJournal(t, "the message", func(e state.JournalEvent) bool { return e.Unread > 0 })
	if got.UnseenMissed != 1 || got.Unread != 1 {
		t.Fatalf("after a message: %+v, want 1 missed, 1 unread", got)
	}
	if s := r.bus.State(); s.UnseenMissed != 1 || s.Unread != 1 || s.Journal < 3 {
		t.Fatalf("state counts %d missed %d unread after %d journal events", s.UnseenMissed, s.Unread, s.Journal)
	}

	// An edit reported by the engine: the counts follow the store.
	if err := st.MarkMissedSeen(context.Background()); err != nil {
		t.Fatal(err)
	}
	r.j.Report("", "")
	got = r.waitJournal(t, "the report after MarkMissedSeen", func(e state.JournalEvent) bool { return e.UnseenMissed == 0 })
	if got.Unread != 1 {
		t.Fatalf("after MarkMissedSeen: %+v", got)
	}
}

// TestJournalReportsStartingCounts: the first report carries what the
// store held before the phone started.
func TestJournalReportsStartingCounts(t *testing.T) {
	st := openStore(t)
	now := time.Now()
	ctx := context.Background()
	for i := range 2 {
		c := ringing(fmt.Sprint("old", i), now)
		c.State, c.Reason, c.EndedAt = call.Ended, "cancelled by caller", now
		if err := st.RecordCall(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	r := startJournal(t, st)
	got := r.waitJournal(t, "the counts at start", func(state.JournalEvent) bool { return true })
	if got.UnseenMissed != 2 {
		t.Fatalf("first report %+v, want 2 unseen missed", got)
	}
}

// TestJournalWritesEverythingBeforeStop: events published just before
// Stop are all written (answered call, its quality, its finished
// recording, a sent message's delivery), and the finished recording is
// reported with its call.
func TestJournalWritesEverythingBeforeStop(t *testing.T) {
	st := openStore(t)
	r := startJournal(t, st)
	now := time.Now()
	c := call.Info{ID: "c2", Direction: call.Outgoing, Remote: call.Party{URI: "sip:carol@example.org"},
		State: call.Dialing, Started: now}
	r.bus.Publish(state.CallEvent{Info: c})
	c.State, c.Answered, c.Codec = call.Connected, now.Add(time.Second), "opus"
	r.bus.Publish(state.CallEvent{Info: c})
	c.Recording, c.RecordingSince = "/rec/first.wav", now.Add(2*time.Second)
	r.bus.Publish(state.CallEvent{Info: c})
	c.Recording, c.RecordingSince = "", time.Time{} // stopped by the user
	r.bus.Publish(state.CallEvent{Info: c})
	c.Recording = "/rec/second.wav"
	r.bus.Publish(state.CallEvent{Info: c})
	r.bus.Publish(state.CallStatsEvent{CallID: "c2", Final: true,
		Stats: media.Stats{Codec: "opus", PacketsSent: 500, PacketsReceived: 480, Lost: 20, Jitter: 3 * time.Millisecond}})
	c.State, c.Reason, c.EndedAt = call.Ended, "hung up", now.Add(10*time.Second) // ends the second recording too
	r.bus.Publish(state.CallEvent{Info: c})
	for _, s := range []string{state.MessageSending, state.MessageDelivered} {
		r.bus.Publish(state.MessageEvent{Message: state.Message{Key: "out1", Peer: "sip:carol@example.org", Text: "ok", State: s, At: now}})
	}
	r.stop()

	ctx := context.Background()
	h, err := st.CallByCallID(ctx, "c2")
	if err != nil {
		t.Fatal(err)
	}
	if h.Recording != "/rec/second.wav" || h.Reason != "hung up" || h.Duration != 9*time.Second ||
		h.Quality.PacketsReceived != 480 || h.Quality.JitterMS != 3 || h.Missed {
		t.Fatalf("history %+v", h)
	}
	m, err := st.MessageByKey(ctx, "out1")
	if err != nil || m.State != state.MessageDelivered {
		t.Fatalf("message %+v, %v; want delivered", m, err)
	}
	var recs []string
	for len(recs) < 2 {
		e := r.waitJournal(t, "the finished recordings", func(e state.JournalEvent) bool { return e.Recording != "" })
		if e.CallID != "c2" {
			t.Fatalf("recording reported with call %q", e.CallID)
		}
		recs = append(recs, e.Recording)
	}
	if recs[0] != "/rec/first.wav" || recs[1] != "/rec/second.wav" {
		t.Fatalf("finished recordings reported %q", recs)
	}
}

// TestJournalStopTwice: a second Stop returns, and so does the Stop of a
// journal never started.
func TestJournalStopTwice(t *testing.T) {
	r := startJournal(t, openStore(t))
	r.stop()
	r.stop()
	var never journal.Journal
	never.Stop(0) // never started
}
