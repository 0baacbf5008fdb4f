package core_test

import (
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

// TestAutoAnswerWithBaresip: an auto_answer account answers baresip's
// call by itself; a second call while that one is up rings as a waiting
// call instead.
func TestAutoAnswerWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	alice := featurePhone(t, k, "alice", "auto_answer = true\n", 600)

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, alice.events, 5*time.Second, call.Incoming)
	up := nextCall(t, alice.events, 3*time.Second, "the call answered by itself", callState(in.ID, call.Connected))
	if !up.AutoAnswer {
		t.Errorf("auto-answered call %+v without AutoAnswer", up)
	}
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)

	if err := carol.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	second := nextCall(t, alice.events, 5*time.Second, "carol's call ringing", func(i call.Info) bool { return i.State == call.Incoming })
	// Auto-answer acts at once: 1.5 s without a change shows it did not.
	stays(t, alice.events, 1500*time.Millisecond, "carol's waiting call", second.ID, call.Incoming)
	if got := listed(alice); got[second.ID] != call.Incoming || got[in.ID] != call.Connected {
		t.Errorf("calls 1.5 s after the second rang: %v, want it still ringing", got)
	}
	for _, c := range alice.Calls() {
		if c.ID == second.ID && c.AutoAnswer {
			t.Errorf("waiting call marked AutoAnswer: %+v", c)
		}
	}
	if err := alice.Reject(second.ID, 486); err != nil {
		t.Fatal(err)
	}
	bobWait(t, carol, "CALL_CLOSED", 5*time.Second)
	// Bob's audio still flows after the reject, and enough of it is
	// recorded for expectTone (2 s of 20 ms packets).
	after := received(t, alice, in.ID)
	testlab.Eventually(t, 5*time.Second, "bob's audio after carol's call was rejected", func() bool {
		n := received(t, alice, in.ID)
		return n >= after+25 && n >= 100
	})
	if err := alice.Hangup(in.ID); err != nil {
		t.Fatal(err)
	}
	nextCall(t, alice.events, 5*time.Second, "bob's call ended", callState(in.ID, call.Ended))
	expectTone(t, alice.recording(t, 0), 1000, 1.5)
}

// TestAnswerAfterHint: a caller's Call-Info answer-after (and the
// Alert-Info form) makes an account with answer_after_hints answer after
// the delay, unless the user acted first; without the hint, or without
// the setting, the call just rings.
func TestAnswerAfterHint(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	alice := featurePhone(t, k, "alice", "answer_after_hints = true\n", 600)
	carol := featurePhone(t, k, "carol", "", 800) // hints off
	bob := startTonePhone(t, featureConfig(k, "bob", ""), 1000, []string{"pcmu"}, core.WithoutRegistration())
	callInfo := func(after string) sip.Header {
		return sip.Header{Name: "Call-Info", Value: "<sip:" + k.Domain + ">;answer-after=" + after}
	}

	// dial calls to from bob with hdrs and returns the callee's ringing call.
	dial := func(t *testing.T, callee *tonePhone, to string, hdrs ...sip.Header) (string, call.Info) {
		t.Helper()
		id, err := core.DialWithHeaders(bob.Engine, to, core.DialOptions{}, hdrs...)
		if err != nil {
			t.Fatal(err)
		}
		return id, waitCall(t, callee.events, 5*time.Second, call.Incoming)
	}
	// hangup ends bob's call id and waits for the callee's call in to end.
	hangup := func(t *testing.T, id string, callee *tonePhone, in call.Info) {
		t.Helper()
		if err := bob.Hangup(id); err != nil {
			t.Fatal(err)
		}
		nextCall(t, bob.events, 5*time.Second, "bob's call ended", callState(id, call.Ended))
		nextCall(t, callee.events, 5*time.Second, "the callee's call ended", callState(in.ID, call.Ended))
	}

	t.Run("call-info after 1 s", func(t *testing.T) {
		id, in := dial(t, alice, "alice", callInfo("1"))
		rang := time.Now()
		up := nextCall(t, alice.events, 4*time.Second, "the hinted call answered", callState(in.ID, call.Connected))
		took := time.Since(rang)
		if !up.AutoAnswer || took < 800*time.Millisecond || took > 2500*time.Millisecond {
			t.Errorf("answered %+v %v after ringing, want AutoAnswer after ~1 s", up, took)
		}
		nextCall(t, bob.events, 5*time.Second, "bob's call connected", callState(id, call.Connected))
		hangup(t, id, alice, in)
	})
	t.Run("alert-info autoanswer", func(t *testing.T) {
		id, in := dial(t, alice, "alice", sip.Header{Name: "Alert-Info", Value: "<http://www.notused.com>;info=alert-autoanswer"})
		rang := time.Now()
		nextCall(t, alice.events, 2*time.Second, "the hinted call answered", callState(in.ID, call.Connected))
		if took := time.Since(rang); took > 700*time.Millisecond {
			t.Errorf("answered %v after ringing, want at once", took)
		}
		nextCall(t, bob.events, 5*time.Second, "bob's call connected", callState(id, call.Connected))
		hangup(t, id, alice, in)
	})
	t.Run("the user acts first", func(t *testing.T) {
		id, in := dial(t, alice, "alice", callInfo("2"))
		time.Sleep(300 * time.Millisecond) // the user acts while the 2 s answer-after timer runs
		if err := alice.Reject(in.ID, 603); err != nil {
			t.Fatal(err)
		}
		end := nextCall(t, bob.events, 5*time.Second, "bob's call ended", callState(id, call.Ended))
		if end.Code != 603 {
			t.Errorf("caller's call ended %+v, want 603", end)
		}
		nextCall(t, alice.events, time.Second, "the rejected call ended", callState(in.ID, call.Ended))
		// Past the 2 s timer: nothing is answered or comes back.
		stays(t, alice.events, 2500*time.Millisecond, "the rejected call", in.ID, call.Ended)
		if got := listed(alice); len(got) != 0 {
			t.Errorf("calls left after the reject: %v", got)
		}
	})
	t.Run("no hint rings", func(t *testing.T) {
		id, in := dial(t, alice, "alice")
		// A hint of 0 or 1 s would have answered by now.
		stays(t, alice.events, 1500*time.Millisecond, "the unhinted call", in.ID, call.Incoming)
		if got := listed(alice); got[in.ID] != call.Incoming {
			t.Errorf("unhinted call: %v, want it ringing", got)
		}
		hangup(t, id, alice, in)
	})
	t.Run("hints off", func(t *testing.T) {
		id, in := dial(t, carol, "carol", callInfo("0"))
		// answer-after=0 would have answered at once.
		stays(t, carol.events, 1500*time.Millisecond, "the hinted call", in.ID, call.Incoming)
		if got := listed(carol); got[in.ID] != call.Incoming {
			t.Errorf("hinted call to an account without answer_after_hints: %v, want it ringing", got)
		}
		hangup(t, id, carol, in)
	})
}

// stays watches events for d and fails at the first event that moves call
// id out of state want, e.g. a ringing call answered by itself. What must
// not happen has no event to wait for: the window is the test.
func stays(t *testing.T, events <-chan core.Event, d time.Duration, what, id string, want call.State) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e, open := <-events:
			if !open {
				t.Fatalf("events closed watching %s", what)
			}
			if ce, isCall := e.(core.CallEvent); isCall && ce.ID == id && ce.State != want {
				t.Fatalf("%s left %s within %v: now %s (%q, %d)", what, want, d, ce.State, ce.Reason, ce.Code)
			}
		case <-deadline:
			return
		}
	}
}

// received is how many RTP packets call id has received so far.
func received(t *testing.T, p *tonePhone, id string) uint64 {
	t.Helper()
	s, err := p.CallStats(id)
	if err != nil {
		t.Fatalf("stats of %s: %v", id, err)
	}
	return s.PacketsReceived
}
