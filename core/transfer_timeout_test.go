package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// How long a blind transfer waits for the transferee's reports: each 1xx
// NOTIFY restarts an idle window; silence after progress, or the cap on
// the whole wait, ends the following but leaves the call on hold.

const (
	xferIdle = time.Second
	xferMax  = 3 * time.Second
)

// referredCall sets up a call from a scripted transferee to a phone with
// short transfer timeouts, and has the phone transfer it.
func referredCall(t *testing.T) (*xferPhone, *sip.Dialog, string) {
	t.Helper()
	a := startXferPhone(t, "a", directConfig, 440, core.WithTransferTimeouts(xferIdle, xferMax))
	d, peer, id := callFromPeer(t, a, nil)
	t.Cleanup(func() {
		// Hung up before the peer's UA closes, or the phone's Close
		// waits on a BYE.
		_ = a.Hangup(id)
		select {
		case <-peer.hungUp:
		case <-time.After(3 * time.Second):
			t.Error("the peer got no BYE")
		}
	})
	peer.transferredBy(t, a, id)
	return a, d, id
}

func notifyRefer(t *testing.T, d *sip.Dialog, code int, reason string, final bool) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	return d.NotifyRefer(ctx, code, reason, final)
}

// stillHeld checks that call id stays on hold, not resumed behind the
// user's back, for a while.
func stillHeld(t *testing.T, a *xferPhone, id string) {
	t.Helper()
	time.Sleep(500 * time.Millisecond)
	for _, i := range a.Calls() {
		if i.ID == id && (i.State != call.Held || !i.LocalHold) {
			t.Errorf("after giving up the call is %s (hold %v), want it left on hold", i.State, i.LocalHold)
		}
	}
	for _, i := range a.history(id) {
		if i.State == call.Ended {
			t.Errorf("the call ended: %+v", i)
		}
	}
}

// The target rings longer than the idle window: the reports keep the
// transfer alive until the final one.
func TestTransferProgressExtendsWait(t *testing.T) {
	a, d, id := referredCall(t)
	start := time.Now()
	if err := notifyRefer(t, d, 100, "Trying", false); err != nil {
		t.Fatal(err)
	}
	for time.Since(start) < 2*xferIdle+xferIdle/2 {
		time.Sleep(xferIdle / 3)
		if err := notifyRefer(t, d, 180, "Ringing", false); err != nil {
			t.Fatalf("ringing NOTIFY at %v: %v", time.Since(start), err)
		}
	}
	if i := a.waitFor(t, time.Second, "ringing", func(i call.Info) bool { return i.ID == id && i.Transfer == "ringing" }); strings.HasPrefix(i.Transfer, "failed") {
		t.Fatalf("transfer %q", i.Transfer)
	}
	if err := notifyRefer(t, d, 200, "OK", true); err != nil {
		t.Fatalf("final NOTIFY after %v: %v; transfers %v", time.Since(start), err, a.transfers(id))
	}
	if end := a.ended(t, id, 3*time.Second); end.Reason != "transferred" || end.Transfer != "done" {
		t.Errorf("ended %q (transfer %q), want transferred/done; transfers %v", end.Reason, end.Transfer, a.transfers(id))
	}
}

// Progress, then silence: after the idle window the transfer shows failed
// and the call stays on hold; the late final report is refused.
func TestTransferSilentAfterProgress(t *testing.T) {
	a, d, id := referredCall(t)
	if err := notifyRefer(t, d, 100, "Trying", false); err != nil {
		t.Fatal(err)
	}
	time.Sleep(xferIdle / 2)
	if err := notifyRefer(t, d, 180, "Ringing", false); err != nil {
		t.Fatal(err)
	}
	last := time.Now()
	got := a.waitFor(t, 3*xferIdle, "transfer given up", func(i call.Info) bool { return i.ID == id && strings.HasPrefix(i.Transfer, "failed") })
	if took := time.Since(last); got.Transfer != "failed: no final report" || took < xferIdle-100*time.Millisecond {
		t.Errorf("transfer %q %v after the last report, want \"failed: no final report\" after %v", got.Transfer, took, xferIdle)
	}
	stillHeld(t, a, id)
	if err := notifyRefer(t, d, 200, "OK", true); err == nil || !strings.Contains(err.Error(), "481") {
		t.Errorf("final NOTIFY after giving up: %v, want 481", err)
	}
	stillHeld(t, a, id)
}

// Progress that never ends: the cap ends the wait, the call stays held.
func TestTransferWaitCapped(t *testing.T) {
	a, d, id := referredCall(t)
	start := time.Now()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			case <-time.After(xferIdle / 3):
			}
			_ = notifyRefer(t, d, 180, "Ringing", false) // 481 once given up
		}
	}()
	defer func() { close(stop); <-done }()
	got := a.waitFor(t, xferMax+2*time.Second, "transfer given up", func(i call.Info) bool { return i.ID == id && strings.HasPrefix(i.Transfer, "failed") })
	if took := time.Since(start); got.Transfer != "failed: no final report" || took < xferMax-200*time.Millisecond {
		t.Errorf("transfer %q after %v, want \"failed: no final report\" after the %v cap", got.Transfer, took, xferMax)
	}
	stillHeld(t, a, id)
}

// No report at all: a plain failure, and the call comes back.
func TestTransferNoReport(t *testing.T) {
	a, _, id := referredCall(t)
	back := a.waitFor(t, 3*xferIdle, "call back", func(i call.Info) bool {
		return i.ID == id && i.State == call.Connected && strings.HasPrefix(i.Transfer, "failed")
	})
	if back.Transfer != "failed: no report within 1s" || back.LocalHold {
		t.Errorf("after no report: %+v", back)
	}
}
