package core_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// TestCallWaitingWithBaresip: we talk with baresip bob; baresip carol
// calls us. Both calls are listed, bob's call plays the waiting tone to us
// while carol's rings; answering carol holds bob (re-INVITE a=sendonly,
// no audio either way), resuming bob holds carol (swap), and hanging up
// bob leaves carol held.
func TestCallWaitingWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	// Bob is silent, so that the only tone in what we hear from his call
	// is the waiting tone.
	silence := filepath.Join(t.TempDir(), "silence.wav")
	if err := testlab.WriteWAV(silence, make([]int16, 48000*60), 48000, 1); err != nil {
		t.Fatal(err)
	}
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, PlayWAV: silence})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1500})
	alice := featurePhone(t, k, "alice", "", 600)

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	first := waitCall(t, alice.events, 5*time.Second, call.Incoming)
	if err := alice.Answer(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	nextCall(t, alice.events, 5*time.Second, "bob's call connected", callState(first.ID, call.Connected))
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	time.Sleep(1500 * time.Millisecond)

	if err := carol.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	second := nextCall(t, alice.events, 5*time.Second, "carol's call ringing", func(i call.Info) bool { return i.State == call.Incoming })
	ringAt := time.Now()
	if second.ID == first.ID {
		t.Fatalf("second call has the first one's id")
	}
	if got := listed(alice); len(got) != 2 || got[first.ID] != call.Connected || got[second.ID] != call.Incoming {
		t.Fatalf("calls while the second rings: %v", got)
	}
	time.Sleep(3500 * time.Millisecond) // two cycles of the tone's beeps

	answerAt := time.Now()
	if err := alice.Answer(context.Background(), second.ID); err != nil {
		t.Fatal(err)
	}
	last := untilStates(t, alice.events, 5*time.Second, map[string]call.State{first.ID: call.Held, second.ID: call.Connected})
	if !last[first.ID].LocalHold {
		t.Errorf("first call after answering the second: %+v", last[first.ID])
	}
	bobWait(t, carol, "CALL_ESTABLISHED", 5*time.Second)
	time.Sleep(300 * time.Millisecond)
	if sent, got := packetsMoving(t, alice, first.ID, time.Second); sent != 0 || got != 0 {
		t.Errorf("held first call: %d packets sent, %d received in 1 s", sent, got)
	}
	if sent, got := packetsMoving(t, alice, second.ID, time.Second); sent < 25 || got < 25 {
		t.Errorf("answered second call: %d packets sent, %d received in 1 s", sent, got)
	}
	time.Sleep(time.Second)

	// Swap back: bob talks, carol waits on hold.
	if err := alice.Resume(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	last = untilStates(t, alice.events, 5*time.Second, map[string]call.State{first.ID: call.Connected, second.ID: call.Held})
	if !last[second.ID].LocalHold || last[first.ID].LocalHold {
		t.Errorf("after the swap: %+v / %+v", last[first.ID], last[second.ID])
	}
	time.Sleep(300 * time.Millisecond)
	if sent, got := packetsMoving(t, alice, second.ID, time.Second); sent != 0 || got != 0 {
		t.Errorf("held second call: %d packets sent, %d received in 1 s", sent, got)
	}
	if sent, _ := packetsMoving(t, alice, first.ID, time.Second); sent < 25 {
		t.Errorf("resumed first call: %d packets sent in 1 s", sent)
	}

	// Hanging up the call in progress leaves the held one held.
	if err := alice.Hangup(first.ID); err != nil {
		t.Fatal(err)
	}
	endAt := time.Now()
	nextCall(t, alice.events, 5*time.Second, "bob's call ended", callState(first.ID, call.Ended))
	time.Sleep(500 * time.Millisecond)
	if got := listed(alice); len(got) != 1 || got[second.ID] != call.Held {
		t.Errorf("calls after hanging up the active one: %v", got)
	}
	if err := alice.Hangup(second.ID); err != nil {
		t.Fatal(err)
	}
	nextCall(t, alice.events, 5*time.Second, "carol's call ended", callState(second.ID, call.Ended))

	// What we heard on bob's call: the waiting tone while carol rang, and
	// not before nor after (bob sends silence).
	rec := alice.recording(t, 0)
	before := spanReport(t, rec, audio.WaitingToneHz, endAt.Sub(ringAt)+1200*time.Millisecond, endAt.Sub(ringAt)+200*time.Millisecond)
	during := spanReport(t, rec, audio.WaitingToneHz, endAt.Sub(ringAt)-100*time.Millisecond, endAt.Sub(answerAt)+100*time.Millisecond)
	after := spanReport(t, rec, audio.WaitingToneHz, endAt.Sub(answerAt)-500*time.Millisecond, 100*time.Millisecond)
	t.Logf("waiting tone before: %v\nduring: %v\nafter: %v", before, during, after)
	// At least the first cycle's two 200 ms beeps, less the windows at their edges.
	if during.ActiveSeconds < 0.3 {
		t.Errorf("the waiting tone was not heard while the second call rang: %v", during)
	}
	if before.ActiveSeconds > 0 || after.ActiveSeconds > 0 {
		t.Errorf("the waiting tone played without a second call ringing: before %v, after %v", before, after)
	}
}
