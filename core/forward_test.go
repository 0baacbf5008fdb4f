package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/internal/testlab"
)

// Forwarding against real peers: baresip callers follow our 302 (silently,
// through Kamailio) to baresip carol; as a caller we follow a 302 from a
// second phone of ours; two phones forwarding to each other make a loop
// the caller ends.

// TestForwardAlwaysWithBaresip: nothing rings and no audio opens on our
// side; bob ends up talking with carol.
func TestForwardAlwaysWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1500})
	alice := featurePhone(t, k, "alice", `forward_always = "carol"`+"\n", 600)

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	// The first call event is the end: nothing rang.
	end := nextCall(t, alice.events, 5*time.Second, "the forwarded call", func(call.Info) bool { return true })
	forwardedToCarol(t, k, end, bob, carol)
	if !strings.Contains(end.Remote.URI, "bob") || end.Account != "alice" {
		t.Errorf("forwarded call %+v, want bob calling alice", end)
	}
	noIncoming(t, alice.events, 300*time.Millisecond)
	noCallsLeft(t, alice)
	alice.mu.Lock()
	opened := len(alice.recs)
	alice.mu.Unlock()
	if opened != 0 {
		t.Errorf("a forwarded call opened %d audio devices", opened)
	}
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	bobWait(t, carol, "CALL_CLOSED", 5*time.Second)
}

// TestForwardNoAnswerWithBaresip: the call rings for forward_no_answer_after,
// then goes to carol; our side records it as forwarded (a missed call whose
// reason says where it went).
func TestForwardNoAnswerWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	st := journalStore(t, t.TempDir())
	alice := featurePhone(t, k, "alice", "forward_no_answer = \"sip:carol@"+k.Domain+"\"\nforward_no_answer_after = 2\n", 600, core.WithStore(st))

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, alice.events, 5*time.Second, call.Incoming)
	rang := time.Now()
	end := nextCall(t, alice.events, 6*time.Second, "the forwarded call", callState(in.ID, call.Ended))
	took := time.Since(rang)
	if took < 1800*time.Millisecond || took > 3500*time.Millisecond {
		t.Errorf("forwarded %v after ringing, want ~2 s", took)
	}
	forwardedToCarol(t, k, end, bob, carol)
	noCallsLeft(t, alice)
	if err := alice.Answer(context.Background(), in.ID); err == nil {
		t.Error("answering a forwarded call: no error")
	}
	alice.Close(ctx) // the journal has written the call

	calls, err := st.History(ctx, store.HistoryQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(calls) != 1 || calls[0].CallID != in.ID || calls[0].Reason != end.Reason || calls[0].Code != 302 || !calls[0].Missed {
		t.Errorf("history %+v, want the call forwarded (and missed)", calls)
	}
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
}

// TestWeFollowRedirect: we call bob, a phone of ours that forwards
// everything to baresip carol; we end up talking with carol, and the call
// says so.
func TestWeFollowRedirect(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1500})
	bob := featurePhone(t, k, "bob", `forward_always = "carol"`+"\n", 700)
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration())

	id, err := alice.Dial(context.Background(), "bob", core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	up := waitCall(t, alice.events, 10*time.Second, call.Connected)
	if up.ID != id || up.Redirected != aor(k, "carol") || up.Remote.URI != aor(k, "carol") {
		t.Errorf("connected %+v, want redirected to carol", up)
	}
	bobWait(t, carol, "CALL_ESTABLISHED", 5*time.Second)
	fwd := nextCall(t, bob.events, 5*time.Second, "bob's forwarded call", func(i call.Info) bool { return i.State == call.Ended })
	endedWith(t, fwd, "forwarded to "+aor(k, "carol"), 302)
	time.Sleep(2500 * time.Millisecond)
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	if end := waitEnded(t, alice.events, 5*time.Second); end.Reason != "hung up" || end.Redirected != aor(k, "carol") {
		t.Errorf("ended %+v", end)
	}
	expectTone(t, alice.recording(t, 0), 1500, 1.5) // carol's voice, not bob's
}

// TestRedirectLoop: bob forwards to carol, carol to bob (both phones of
// ours): our call to bob ends "redirect loop" at the second 302.
func TestRedirectLoop(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := featurePhone(t, k, "bob", `forward_always = "carol"`+"\n", 700)
	carol := featurePhone(t, k, "carol", `forward_always = "sip:bob@`+k.Domain+`"`+"\n", 800)
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration())

	start := time.Now()
	id, err := alice.Dial(context.Background(), "bob", core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	end := waitEnded(t, alice.events, 5*time.Second)
	took := time.Since(start)
	if end.ID != id || end.Reason != core.ReasonRedirectLoop || end.Code != 482 || end.Redirected != aor(k, "carol") {
		t.Errorf("ended %+v, want a redirect loop after carol", end)
	}
	if took > 2*time.Second {
		t.Errorf("the loop took %v to end", took)
	}
	t.Logf("redirect loop ended in %v", took)
	for _, p := range []*tonePhone{bob, carol} {
		fwd := nextCall(t, p.events, time.Second, "a forwarded call", func(i call.Info) bool { return i.State == call.Ended })
		if !strings.HasPrefix(fwd.Reason, "forwarded to ") {
			t.Errorf("%+v", fwd)
		}
		noIncoming(t, p.events, 200*time.Millisecond)
	}
	noCallsLeft(t, alice)
}
