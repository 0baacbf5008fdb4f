package sip

import (
	"net"
	"testing"
	"time"
)

// TestDialogMoveRefreshesTheTarget: a side that moves re-INVITEs with its
// new address in Contact; the other side sends its later requests, the
// BYE included, there (RFC 3261 12.2.2), whichever side called.
func TestDialogMoveRefreshesTheTarget(t *testing.T) {
	caller, callee, hCaller, _ := callPair(t)
	ctx := testCtx(t)
	away, home := net.ParseIP("127.0.0.2"), net.ParseIP("127.0.0.1")
	for _, c := range []struct {
		name        string
		mover, peer *Dialog
	}{{"callee moves", callee, caller}, {"caller moves", caller, callee}} {
		answer, err := c.mover.Move(ctx, away, []byte("v=0\r\n"))
		if err != nil || string(answer) != "v=0\r\n" {
			t.Fatalf("%s: move: %q, %v", c.name, answer, err)
		}
		if got := c.peer.remoteTarget().Host; got != away.String() {
			t.Fatalf("%s: the other side sends to %s, want %s", c.name, got, away)
		}
		if got := c.mover.contact().Address.Host; got != away.String() {
			t.Fatalf("%s: our Contact says %s, want %s", c.name, got, away)
		}
		if _, err := c.mover.Move(ctx, home, []byte("v=0\r\n")); err != nil {
			t.Fatalf("%s: move back: %v", c.name, err)
		}
	}
	// The callee hangs up: the BYE goes to the caller's latest Contact
	// (where it listens), not to the one it called from.
	if got := callee.remoteTarget().Host; got != home.String() {
		t.Fatalf("callee sends to %s, want %s", got, home)
	}
	if err := callee.Bye(ctx); err != nil {
		t.Fatalf("bye: %v", err)
	}
	select {
	case <-hCaller.byes:
	case <-time.After(3 * time.Second):
		t.Fatal("the caller got no BYE")
	}
}
