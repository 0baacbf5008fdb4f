package store

import (
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// TestTouchEndsInterruptedCallsAtTheLastMark: the heartbeat's marks set
// where a call cut short ends; one Touch covers several calls, a late
// mark never moves a call back, and ended calls keep their end.
func TestTouchEndsInterruptedCallsAtTheLastMark(t *testing.T) {
	ctx := testCtx(t)
	s, err := OpenDir(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.Now().Truncate(time.Millisecond)
	answered := func(id string) call.Info {
		return call.Info{ID: id, Direction: call.Outgoing, Remote: call.Party{URI: "sip:" + id + "@pbx"},
			State: call.Connected, Started: at, Answered: at.Add(time.Second), Codec: "opus"}
	}
	for _, id := range []string{"a", "b", "done"} {
		if err := s.RecordCall(ctx, answered(id)); err != nil {
			t.Fatal(err)
		}
	}
	end := answered("done")
	end.State, end.Reason, end.EndedAt = call.Ended, "hung up", at.Add(2*time.Second)
	if err := s.RecordCall(ctx, end); err != nil {
		t.Fatal(err)
	}
	if err := s.Touch(ctx, at.Add(8*time.Second), "a", "b", "done"); err != nil {
		t.Fatal(err)
	}
	if err := s.Touch(ctx, at.Add(5*time.Second), "b"); err != nil { // late: must not move b back
		t.Fatal(err)
	}
	if err := s.Touch(ctx, at.Add(9*time.Second)); err != nil { // no calls: nothing to do
		t.Fatal(err)
	}
	// The writer dies: the next opener (here the same one, as a process
	// that is gone) ends the open calls at their last mark.
	if _, err := s.db.ExecContext(ctx, "UPDATE calls SET owner_pid = 0x7ffffffe, owner = 'gone'"); err != nil {
		t.Fatal(err)
	}
	if err := s.markInterrupted(ctx, false); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"a", "b"} {
		c, err := s.CallByCallID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !c.Interrupted || !c.Ended.Equal(at.Add(8*time.Second)) || c.Duration != 7*time.Second {
			t.Fatalf("call %s after the kill: ended %v (want %v), duration %v (want 7s), interrupted %v",
				id, c.Ended, at.Add(8*time.Second), c.Duration, c.Interrupted)
		}
	}
	c, err := s.CallByCallID(ctx, "done")
	if err != nil {
		t.Fatal(err)
	}
	if c.Interrupted || c.Duration != time.Second || !c.Ended.Equal(at.Add(2*time.Second)) {
		t.Fatalf("ended call changed by a mark: %+v", c)
	}
}
