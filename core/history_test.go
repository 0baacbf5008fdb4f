package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
)

// TestRecordHistoryOfADirectCall: both phones record the same call, each
// from its side, answered, held, ended with quality figures; and a call
// nobody answers is a missed one on the callee's side.
func TestRecordHistoryOfADirectCall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	a := startTonePhone(t, directConfig, 440, allCodecs)
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	sa, err := store.OpenDir(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sa.Close()
	sb, err := store.OpenDir(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	stopA := core.RecordHistory(ctx, a.Engine, sa)
	stopB := core.RecordHistory(ctx, b.Engine, sb)

	id, err := b.Dial(context.Background(), "sip:anyone@"+a.Snapshot().Listen, core.DialOptions{})
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
	id2, err := b.Dial(context.Background(), "sip:anyone@"+a.Snapshot().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, a.events, 5*time.Second, call.Incoming)
	if err := b.Hangup(id2); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, a.events, 5*time.Second)
	waitEnded(t, b.events, 5*time.Second)

	stopA()
	stopB()
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
