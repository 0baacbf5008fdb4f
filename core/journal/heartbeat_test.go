package journal

import (
	"context"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
)

// fakeTicker hands the journal a channel the test ticks by hand, and
// counts how often the ticks were started and stopped.
type fakeTicker struct {
	ticks         chan time.Time
	starts, stops chan struct{}
}

func newFakeTicker() *fakeTicker {
	return &fakeTicker{ticks: make(chan time.Time), starts: make(chan struct{}, 16), stops: make(chan struct{}, 16)}
}

func (f *fakeTicker) start(time.Duration) (<-chan time.Time, func()) {
	f.starts <- struct{}{}
	return f.ticks, func() { f.stops <- struct{}{} }
}

func waitSignal(t *testing.T, c <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-c:
	case <-time.After(5 * time.Second):
		t.Fatalf("no %s", what)
	}
}

// TestHeartbeatRunsWhileCallsRunAndSetsTheInterruptedEnd: the ticks start
// with the first running call and stop with the last; a tick's time is
// where a call cut short ends, so its duration is right to one tick.
func TestHeartbeatRunsWhileCallsRunAndSetsTheInterruptedEnd(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	st, err := store.OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	bus := state.NewBus(state.State{})
	watched, unwatch := bus.Subscribe()
	defer unwatch()
	f := newFakeTicker()
	j := New(st, bus.Publish, nil)
	j.beat.start = f.start
	events, unsubscribe := bus.Subscribe()
	j.Start(events, unsubscribe)
	// reported waits for the journal's report of call id: the loop has
	// handled everything before it.
	reported := func(id string) {
		t.Helper()
		deadline := time.After(5 * time.Second)
		for {
			select {
			case e := <-watched:
				if je, ok := e.(state.JournalEvent); ok && je.CallID == id {
					return
				}
			case <-deadline:
				t.Fatalf("no journal report of %s", id)
			}
		}
	}

	at := time.Now().Truncate(time.Millisecond)
	short := call.Info{ID: "short", Direction: call.Outgoing, Remote: call.Party{URI: "sip:a@pbx"}, State: call.Dialing, Started: at}
	bus.Publish(state.CallEvent{Info: short})
	waitSignal(t, f.starts, "heartbeat start with the first call")
	short.State, short.Reason, short.EndedAt = call.Ended, "rejected", at.Add(time.Second)
	bus.Publish(state.CallEvent{Info: short})
	waitSignal(t, f.stops, "heartbeat stop when no call runs")

	long := call.Info{ID: "long", Direction: call.Inbound, Remote: call.Party{URI: "sip:b@pbx"}, State: call.Incoming, Started: at}
	bus.Publish(state.CallEvent{Info: long})
	reported("long")
	waitSignal(t, f.starts, "heartbeat start with the next call")
	// Each event of the call is reported: the tick must come after the
	// answer's write, which would otherwise overwrite the touch.
	long.State, long.Answered, long.Codec = call.Connected, at.Add(2*time.Second), "opus"
	bus.Publish(state.CallEvent{Info: long})
	reported("long")
	f.ticks <- at.Add(9 * time.Second)
	// Another event after the tick: once it is reported the touch is written.
	bus.Publish(state.CallEvent{Info: short})
	reported("short")
	select {
	case <-f.starts:
		t.Fatal("heartbeat started twice for running calls")
	default:
	}

	// The process dies with the call running: nothing more is written.
	// Stop leaves the call open; Close marks it as a crash would on the
	// next open.
	j.Stop(bus.State().Version)
	waitSignal(t, f.stops, "heartbeat stop with the journal")
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err = store.OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := st.CallByCallID(ctx, "long")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Interrupted || c.Duration != 7*time.Second {
		t.Fatalf("interrupted call: duration %v (want 7s, answered to the last tick), interrupted %v", c.Duration, c.Interrupted)
	}
}
