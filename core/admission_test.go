package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// incomingCalls counts the Incoming call events seen within d.
func incomingCalls(events <-chan core.Event, d time.Duration) (n int, ids []string) {
	timeout := time.After(d)
	for {
		select {
		case e := <-events:
			if ce, ok := e.(core.CallEvent); ok && ce.State == call.Incoming {
				n++
				ids = append(ids, ce.ID)
			}
		case <-timeout:
			return n, ids
		}
	}
}

// A scanner sweeping the phone's port with INVITEs for its own user gets
// 403 and rings nothing, while the registrar's calls still ring.
func TestScannerCannotRingRegisteredPhone(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	alice := featurePhone(t, k, "alice", "", 440)
	bob := featurePhone(t, k, "bob", "", 880)
	sc := testlab.NewScanner(t, alice.State().Listen)
	before := openFiles(t)

	for i := range 200 {
		mustInvite(t, sc, "alice", i)
		if i == 100 {
			if _, err := bob.Dial(context.Background(), aor(k, "alice"), core.DialOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(5 * time.Millisecond) // 200 per second
	}
	ring := nextCall(t, alice.events, 5*time.Second, "bob's call ringing", func(i call.Info) bool { return i.State == call.Incoming })
	if ring.Remote.URI != aor(k, "bob") && ring.Remote.URI != "sip:bob@"+k.Domain {
		t.Errorf("rang: %+v, want bob's call", ring.Remote)
	}
	sc.WaitAnswers(t, 403, 1, 5*time.Second)
	if n, _ := incomingCalls(alice.events, 300*time.Millisecond); n != 0 {
		t.Errorf("%d more calls rang, want none from the scanner", n)
	}
	if got := len(alice.Calls()); got != 1 {
		t.Errorf("%d calls listed, want bob's only", got)
	}
	for _, code := range []int{180, 200, 486} {
		if n := sc.Answers(code); n != 0 {
			t.Errorf("scanner got %d answers %d: %s", n, code, sc.Summary())
		}
	}
	if after := openFiles(t); after > before+4 {
		t.Errorf("descriptors grew from %d to %d under the scan", before, after)
	}
	t.Logf("scanner answers: %s; descriptors %d → %d", sc.Summary(), before, openFiles(t))
}

// unreachableAccount is an account whose registrar does not answer: it
// exists, so direct calls are off unless the settings say otherwise.
const unreachableAccount = "\n[[account]]\nname = \"work\"\nusername = \"alice\"\npassword = \"x\"\ndomain = \"127.0.0.1:9\"\n"

func TestDirectCallsFollowTheSettings(t *testing.T) {
	cases := []struct {
		name  string
		sip   string
		rings bool
	}{
		{"no account: direct calls on", "", true},
		{"account: direct calls off", unreachableAccount, false},
		{"account, allow_direct on", "allow_direct = true\n" + unreachableAccount, true},
		{"allowed network", "allow_direct_from = [\"127.0.0.0/8\"]\n", true},
		{"other network", "allow_direct_from = [\"198.18.0.0/15\", \"10.1.2.3\"]\n", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := startTonePhone(t, directConfig+c.sip, 440, allCodecs)
			sc := testlab.NewScanner(t, p.State().Listen)
			mustInvite(t, sc, "alice", 1)
			if c.rings {
				nextCall(t, p.events, 5*time.Second, "the direct call ringing", func(i call.Info) bool { return i.State == call.Incoming })
				return
			}
			sc.WaitAnswers(t, 403, 1, 5*time.Second)
			if n, _ := incomingCalls(p.events, 200*time.Millisecond); n != 0 {
				t.Errorf("%d calls rang, want none", n)
			}
		})
	}
}

// At most max_ringing calls ring at once; the next gets 486, and a slot
// freed by a refusal takes the next call again.
func TestRingingLimit(t *testing.T) {
	p := startTonePhone(t, directConfig+"max_ringing = 2\n", 440, allCodecs)
	sc := testlab.NewScanner(t, p.State().Listen)
	for i := range 3 {
		mustInvite(t, sc, "anyone", i)
	}
	sc.WaitAnswers(t, 486, 1, 5*time.Second)
	n, ids := incomingCalls(p.events, 500*time.Millisecond)
	if n != 2 {
		t.Fatalf("%d calls rang, want 2", n)
	}
	if err := p.Reject(ids[0], 0); err != nil {
		t.Fatal(err)
	}
	mustInvite(t, sc, "anyone", 3)
	nextCall(t, p.events, 5*time.Second, "a call ringing in the freed slot", func(i call.Info) bool { return i.State == call.Incoming })
	// One for the call over the limit, one for our Reject; none for the
	// call that took the freed slot.
	if got := sc.Answers(486); got != 2 {
		t.Errorf("486 answers: %d, want 2 (%s)", got, sc.Summary())
	}
}

// A ringing call holds no socket: its media opens when it is answered.
func TestRingingCallsHoldNoSockets(t *testing.T) {
	p := startTonePhone(t, directConfig+"max_ringing = 10\n", 440, allCodecs)
	sc := testlab.NewScanner(t, p.State().Listen)
	before := openFiles(t)
	for i := range 8 {
		mustInvite(t, sc, "anyone", i)
	}
	n, ids := incomingCalls(p.events, 2*time.Second)
	if n != 8 {
		t.Fatalf("%d calls rang, want 8", n)
	}
	if ringing := openFiles(t); ringing > before {
		t.Errorf("descriptors went from %d to %d with 8 calls ringing, want none opened", before, ringing)
	}
	if err := p.Answer(context.Background(), ids[0]); err != nil {
		t.Fatal(err)
	}
	if answered := openFiles(t); answered <= before {
		t.Errorf("descriptors %d after answering, want more than %d (the call's socket)", answered, before)
	}
}

// Close with many calls ringing from callers that never acknowledge a
// final answer ends them all at once: it waits for no ACK.
func TestCloseWithRingingCallsIsPrompt(t *testing.T) {
	const calls = 60
	p := startTonePhone(t, directConfig+fmt.Sprintf("max_ringing = %d\n", calls), 440, allCodecs)
	sc := testlab.NewScanner(t, p.State().Listen)
	for i := range calls {
		mustInvite(t, sc, "anyone", i)
	}
	if n, _ := incomingCalls(p.events, 3*time.Second); n != calls {
		t.Fatalf("%d calls rang, want %d", n, calls)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	if err := p.Close(ctx); err != nil {
		t.Logf("close: %v", err)
	}
	took := time.Since(start)
	// The product's bound (a signalled process exits within 2 s), not a
	// speed figure: waiting for the ACKs takes 32 s per call.
	if took > 2*time.Second {
		t.Errorf("Close took %v with %d calls ringing", took, calls)
	}
	sc.WaitAnswers(t, 603, calls, 5*time.Second)
	t.Logf("Close with %d calls ringing took %v", calls, took)
}

func mustInvite(t *testing.T, sc *testlab.Scanner, user string, i int) {
	t.Helper()
	if err := sc.Invite(user, i); err != nil {
		t.Fatal(err)
	}
}
