package core_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// Helpers of the call-handling tests (waiting, DND, busy, forwarding,
// auto-answer): phones of ours registered at the test Kamailio with
// account features, and waits on several calls at once.

// featureConfig is a config with one account for user at k, plus extra
// account keys (features), one per line.
func featureConfig(k *testlab.Kamailio, user, extra string) string {
	return fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = %q\nusername = %q\npassword = %q\ndomain = %q\nproxy = %q\n%s",
		user, user, user+"-secret", k.Domain, k.UDPAddr, extra)
}

// featurePhone starts a phone registered as user with the extra account
// keys, playing hz, on PCMU (baresip's DTMF and tones stay simple).
func featurePhone(t *testing.T, k *testlab.Kamailio, user, extra string, hz float64, opts ...core.Option) *tonePhone {
	t.Helper()
	p := startTonePhone(t, featureConfig(k, user, extra), hz, []string{"pcmu"}, opts...)
	waitStatus(t, p.events, user, 10*time.Second, account.Registered)
	return p
}

// aor is user's address at k.
func aor(k *testlab.Kamailio, user string) string { return "sip:" + user + "@" + k.Domain }

// nextCall returns the next call event that ok accepts, skipping others.
func nextCall(t *testing.T, events <-chan core.Event, within time.Duration, what string, ok func(call.Info) bool) call.Info {
	t.Helper()
	var seen []string
	defer func() {
		if t.Failed() {
			t.Logf("call events skipped waiting for %s: %v", what, seen)
		}
	}()
	return waitFor(t, events, within, what, func(e core.Event) bool {
		ce, isCall := e.(core.CallEvent)
		if !isCall {
			return false
		}
		if ok(ce.Info) {
			return true
		}
		seen = append(seen, fmt.Sprintf("%s:%s(%s)", ce.ID, ce.State, ce.Reason))
		return false
	}).(core.CallEvent).Info
}

// callState is the predicate "call id in state st".
func callState(id string, st call.State) func(call.Info) bool {
	return func(i call.Info) bool { return i.ID == id && i.State == st }
}

// untilStates reads call events until every call in want was last seen in
// its state; an unexpected end fails the test.
func untilStates(t *testing.T, events <-chan core.Event, within time.Duration, want map[string]call.State) map[string]call.Info {
	t.Helper()
	last := map[string]call.Info{}
	deadline := time.After(within)
	done := func() bool {
		for id, st := range want {
			if last[id].State != st {
				return false
			}
		}
		return true
	}
	for !done() {
		select {
		case e := <-events:
			ce, ok := e.(core.CallEvent)
			if !ok {
				continue
			}
			last[ce.ID] = ce.Info
			if _, watched := want[ce.ID]; watched && ce.State == call.Ended && want[ce.ID] != call.Ended {
				t.Fatalf("call %s ended (%q, %d) waiting for %v", ce.ID, ce.Reason, ce.Code, want)
			}
		case <-deadline:
			got := map[string]string{}
			for id, i := range last {
				got[id] = i.State.String()
			}
			t.Fatalf("calls not in %v within %v; last seen %v", want, within, got)
		}
	}
	return last
}

// noIncoming fails if a call rings on events within d (screened calls
// must not ring).
func noIncoming(t *testing.T, events <-chan core.Event, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e := <-events:
			if ce, ok := e.(core.CallEvent); ok && ce.State == call.Incoming {
				t.Fatalf("a call rang: %+v", ce.Info)
			}
		case <-deadline:
			return
		}
	}
}

// packetsMoving reports how many packets call id sent and received
// during d.
func packetsMoving(t *testing.T, p *tonePhone, id string, d time.Duration) (sent, received uint64) {
	t.Helper()
	a := callStats(t, p, id)
	time.Sleep(d)
	b := callStats(t, p, id)
	return b.PacketsSent - a.PacketsSent, b.PacketsReceived - a.PacketsReceived
}

// listed reports the phone's calls as id → state.
func listed(p *tonePhone) map[string]call.State {
	out := map[string]call.State{}
	for _, c := range p.Calls() {
		out[c.ID] = c.State
	}
	return out
}

// endedWith checks a screened or forwarded call's end.
func endedWith(t *testing.T, got call.Info, reason string, code int) {
	t.Helper()
	if got.State != call.Ended || got.Reason != reason || got.Code != code || got.Direction != call.Inbound {
		t.Errorf("ended %+v, want %q (%d)", got, reason, code)
	}
	if !strings.Contains(got.Remote.URI, "@") {
		t.Errorf("ended call without the caller: %+v", got.Remote)
	}
}

// forwardedToCarol checks that our side of bob's call ended with a 302 to
// carol, and that bob and carol then talk.
func forwardedToCarol(t *testing.T, k *testlab.Kamailio, end call.Info, bob, carol *testlab.Baresip) {
	t.Helper()
	endedWith(t, end, "forwarded to "+aor(k, "carol"), 302)
	if e := bobWait(t, carol, "CALL_ESTABLISHED", 5*time.Second); !strings.Contains(e.PeerURI, "bob") {
		t.Errorf("carol talks with %q, want bob", e.PeerURI)
	}
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
}
