package core_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// Transfers between copies of our phone with no server: A transfers its
// call with B to C. Tones: A 440 Hz, B 700 Hz, C 1300 Hz.

// TestAttendedTransfer: A calls B, holds B, calls C, then joins B and C
// (REFER with Replaces to B, B's INVITE with Replaces to C). B and C end up
// talking to each other; A's two legs end "transferred", C's leg with A
// "replaced".
func TestAttendedTransfer(t *testing.T) {
	a := startXferPhone(t, "a", directConfig, 440)
	b := startXferPhone(t, "b", directConfig, 700)
	c := startXferPhone(t, "c", directConfig, 1300)
	attendedTransfer(t, a, b, c, b.directURI(), c.directURI(), a.State().Listen, b.State().Listen)
}

// TestAttendedTransferThroughKamailio: the same with three registered
// phones, every request through the proxy (Record-Route, digest auth).
func TestAttendedTransferThroughKamailio(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	a := startXferPhone(t, "alice", aliceConfig(k), 440)
	b := startXferPhone(t, "bob", featureConfig(k, "bob", ""), 700)
	c := startXferPhone(t, "carol", featureConfig(k, "carol", ""), 1300)
	for _, x := range []*xferPhone{a, b, c} {
		waitRegistered(t, x)
	}
	attendedTransfer(t, a, b, c, "bob", "carol", "alice@", "bob@")
}

// attendedTransfer runs the scenario: a reaches b at uriB and c at uriC;
// aMark and bMark are found in a's and b's addresses as the others see them.
func attendedTransfer(t *testing.T, a, b, c *xferPhone, uriB, uriC, aMark, bMark string) {
	t.Helper()
	start := time.Now()
	ab, ba := connect(t, a, b, uriB)
	if err := a.Hold(context.Background(), ab); err != nil {
		t.Fatal(err)
	}
	b.waitFor(t, 3*time.Second, "remote hold", func(i call.Info) bool { return i.ID == ba && i.RemoteHold })
	ac, ca := connect(t, a, c, uriC)

	if err := a.AttendedTransfer(context.Background(), ab, ac); err != nil {
		t.Fatalf("attended transfer: %v", err)
	}
	// B places the call REFER asked for; C takes it over without ringing.
	bc := b.waitFor(t, 5*time.Second, "call to C", func(i call.Info) bool {
		return i.Direction == call.Outgoing && i.State == call.Connected
	})
	if !strings.Contains(bc.ReferredBy, aMark) {
		t.Errorf("B's new call: referred by %q, want A (%s)", bc.ReferredBy, aMark)
	}
	cb := c.waitFor(t, 5*time.Second, "replacing call", func(i call.Info) bool {
		return i.ID != ca && i.State == call.Connected
	})
	if !strings.Contains(cb.Remote.URI, bMark) {
		t.Errorf("C's new call is from %q, want B (%s)", cb.Remote.URI, bMark)
	}
	for _, i := range c.history(cb.ID) {
		if i.State == call.Incoming || i.State == call.Ringing {
			t.Errorf("C's replacing call rang: %+v", i)
		}
	}
	if end := c.ended(t, ca, 5*time.Second); end.Reason != "replaced" {
		t.Errorf("C's call with A ended %q, want replaced", end.Reason)
	}
	for _, id := range []string{ab, ac} {
		if end := a.ended(t, id, 5*time.Second); end.Reason != "transferred" || end.Transfer != "done" {
			t.Errorf("A's call %s ended %q (transfer %q), want transferred/done", id, end.Reason, end.Transfer)
		}
	}
	if got := a.transfers(ab); !slices.Contains(got, "trying") || got[len(got)-1] != "done" {
		t.Errorf("A's transfer went %q, want trying … done", got)
	}
	if end := b.ended(t, ba, 12*time.Second); end.Reason != "transferred" {
		t.Errorf("B's call with A ended %q, want transferred", end.Reason)
	}
	if n := len(a.Calls()); n != 0 {
		t.Errorf("A still has %d calls", n)
	}

	// B and C hear each other.
	b.flowing(t, bc.ID)
	c.flowing(t, cb.ID)
	time.Sleep(time.Second)
	if err := b.Hangup(bc.ID); err != nil {
		t.Fatal(err)
	}
	b.ended(t, bc.ID, 5*time.Second)
	if end := c.ended(t, cb.ID, 5*time.Second); end.Reason != "remote hung up" {
		t.Errorf("C's call with B ended %q", end.Reason)
	}
	expectTone(t, b.recordingOf(t, bc.ID), 1300, 1.5)
	expectTone(t, c.recordingOf(t, cb.ID), 700, 1.5)
	t.Logf("attended transfer scenario took %v", time.Since(start))
}

// startBlindTransfer starts A (440 Hz), B (700 Hz) and C (1300 Hz),
// connects A with B and has A send B to C; it returns the phones and A's
// and B's ids of their call.
func startBlindTransfer(t *testing.T) (a, b, c *xferPhone, ab, ba string) {
	t.Helper()
	a = startXferPhone(t, "a", directConfig, 440)
	b = startXferPhone(t, "b", directConfig, 700)
	c = startXferPhone(t, "c", directConfig, 1300)
	ab, ba = connect(t, a, b, b.directURI())
	if err := a.Transfer(context.Background(), ab, c.directURI()); err != nil {
		t.Fatalf("transfer: %v", err)
	}
	return a, b, c, ab, ba
}

// TestBlindTransfer: A sends B to C; C rings, answers; A's call ends
// "transferred" after going through trying, ringing, done.
func TestBlindTransfer(t *testing.T) {
	a, b, c, ab, ba := startBlindTransfer(t)
	held := a.waitFor(t, 3*time.Second, "hold", func(i call.Info) bool { return i.ID == ab && i.LocalHold })
	if held.Transfer == "" {
		t.Errorf("held for the transfer but Transfer is empty: %+v", held)
	}
	cb := c.waitFor(t, 5*time.Second, "call from B", func(i call.Info) bool { return i.State == call.Incoming })
	a.waitFor(t, 3*time.Second, "ringing report", func(i call.Info) bool { return i.ID == ab && i.Transfer == "ringing" })
	if err := c.Answer(context.Background(), cb.ID); err != nil {
		t.Fatal(err)
	}
	end := a.ended(t, ab, 5*time.Second)
	if end.Reason != "transferred" || end.Transfer != "done" {
		t.Errorf("A's call ended %q (transfer %q), want transferred/done", end.Reason, end.Transfer)
	}
	if got := a.transfers(ab); !slices.Equal(got, []string{"trying", "ringing", "done"}) {
		t.Errorf("A's transfer went %q, want trying, ringing, done", got)
	}
	bc := b.waitFor(t, 3*time.Second, "call to C", func(i call.Info) bool {
		return i.Direction == call.Outgoing && i.State == call.Connected
	})
	if !strings.Contains(bc.ReferredBy, a.State().Listen) {
		t.Errorf("B's new call referred by %q, want A", bc.ReferredBy)
	}
	if end := b.ended(t, ba, 5*time.Second); end.Reason != "transferred" {
		t.Errorf("B's old call ended %q, want transferred", end.Reason)
	}
	b.flowing(t, bc.ID)
}

// TestBlindTransferBusyTarget: C refuses B's call; A gets its call back,
// resumed, with the reason in Transfer, and audio flows again.
func TestBlindTransferBusyTarget(t *testing.T) {
	a, b, c, ab, ba := startBlindTransfer(t)
	cb := c.waitFor(t, 5*time.Second, "call from B", func(i call.Info) bool { return i.State == call.Incoming })
	if err := c.Reject(cb.ID, 486); err != nil {
		t.Fatal(err)
	}
	failed := a.waitFor(t, 5*time.Second, "failed transfer", func(i call.Info) bool {
		return i.ID == ab && strings.HasPrefix(i.Transfer, "failed: ")
	})
	if failed.Transfer != "failed: 486 Busy Here" {
		t.Errorf("Transfer = %q, want failed: 486 Busy Here", failed.Transfer)
	}
	resumed := a.waitFor(t, 5*time.Second, "resumed call", func(i call.Info) bool {
		return i.ID == ab && i.State == call.Connected && strings.HasPrefix(i.Transfer, "failed")
	})
	if resumed.LocalHold {
		t.Errorf("after the failed transfer: %+v", resumed)
	}
	wasHeld := false
	b.waitFor(t, 3*time.Second, "held then resumed by A", func(i call.Info) bool {
		if i.ID != ba {
			return false
		}
		wasHeld = wasHeld || i.RemoteHold
		return wasHeld && !i.RemoteHold && i.State == call.Connected
	})
	a.flowing(t, ab)
	for _, i := range a.history(ab) {
		if i.State == call.Ended {
			t.Fatalf("A's call ended: %+v", i)
		}
	}
	// B's own attempt ended with C's answer, and its call with A is up.
	if end := b.waitFor(t, 3*time.Second, "B's failed call", func(i call.Info) bool {
		return i.Direction == call.Outgoing && i.State == call.Ended
	}); end.Code != 486 {
		t.Errorf("B's call to C ended %+v", end)
	}
	b.flowing(t, ba)
}

// TestTransferOddInput: transfers that must not start.
func TestTransferOddInput(t *testing.T) {
	a := startXferPhone(t, "a", directConfig, 440)
	b := startXferPhone(t, "b", directConfig, 700)
	if err := a.Transfer(context.Background(), "nope", "sip:x@127.0.0.1"); err == nil {
		t.Error("transfer of an unknown call: no error")
	}
	ab, _ := connect(t, a, b, b.directURI())
	for _, target := range []string{
		"sip:x@127.0.0.1\r\nX-Evil: 1",
		"sip:x@127.0.0.1?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2",
		"sip:x>@127.0.0.1",
		"",
	} {
		if err := a.Transfer(context.Background(), ab, target); err == nil {
			t.Errorf("Transfer(%q): no error", target)
		}
	}
	if err := a.AttendedTransfer(context.Background(), ab, ab); err == nil {
		t.Error("attended transfer of a call to itself: no error")
	}
	if err := a.AttendedTransfer(context.Background(), ab, "nope"); err == nil {
		t.Error("attended transfer to an unknown call: no error")
	}
	// Nothing happened to the call.
	if got := a.transfers(ab); len(got) != 0 {
		t.Errorf("refused transfers left traces: %q", got)
	}
	for _, i := range a.history(ab) {
		if i.LocalHold || i.State == call.Ended {
			t.Errorf("refused transfers touched the call: %+v", i)
		}
	}
	if n := len(a.Calls()); n != 1 {
		t.Fatalf("A has %d calls, want 1", n)
	}
}
