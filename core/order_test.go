package core_test

import (
	"context"
	"slices"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// callOrder is the ids of the calls of s, as listed.
func callOrder(s core.State) []string {
	ids := make([]string, 0, len(s.Calls))
	for _, c := range s.Calls {
		ids = append(ids, c.ID)
	}
	return ids
}

// checkOrder reads hub's state n times while change alters its calls, and
// fails unless every read lists the calls oldest first, in the one order
// want gives.
func checkOrder(t *testing.T, hub *xferPhone, want []string, n int, change func(i int)) {
	t.Helper()
	for i := range n {
		change(i)
		s := hub.State()
		got := callOrder(s)
		if !slices.Equal(got, want) {
			t.Fatalf("read %d (version %d): calls %v, want %v", i, s.Version, got, want)
		}
		for j := 1; j < len(s.Calls); j++ {
			if s.Calls[j].Started.Before(s.Calls[j-1].Started) {
				t.Fatalf("read %d: call %s started before %s but is listed after it", i, s.Calls[j].ID, s.Calls[j-1].ID)
			}
		}
	}
}

// TestStateCallOrder has a phone with two, then three live calls (real SIP
// to our own peers) read its state 100 times while the calls are held and
// resumed, and finds them oldest first every time.
func TestStateCallOrder(t *testing.T) {
	hub := startXferPhone(t, "hub", directConfig, 440)
	peers := []*xferPhone{
		startXferPhone(t, "b", directConfig, 550),
		startXferPhone(t, "c", directConfig, 660),
		startXferPhone(t, "d", directConfig, 770),
	}
	var ids []string
	for _, p := range peers[:2] {
		id, _ := connect(t, hub, p, p.directURI())
		ids = append(ids, id)
	}
	ctx := context.Background()
	// Each step puts one call on hold or back, which re-INVITEs and
	// publishes its new state while the reads go on.
	flip := func(i int) {
		id := ids[i%len(ids)]
		c, _ := hub.State().Call(id)
		var err error
		if c.State == call.Held {
			err = hub.Resume(ctx, id)
		} else {
			err = hub.Hold(ctx, id)
		}
		if err != nil {
			t.Fatalf("step %d on %s: %v", i, id, err)
		}
	}
	checkOrder(t, hub, ids, 100, flip)
	id, _ := connect(t, hub, peers[2], peers[2].directURI())
	ids = append(ids, id)
	checkOrder(t, hub, ids, 100, flip)
	// The same order from Calls(), which front-ends without a State use.
	if got := callOrder(core.State{Calls: hub.Calls()}); !slices.Equal(got, ids) {
		t.Fatalf("Calls() %v, want %v", got, ids)
	}
}
