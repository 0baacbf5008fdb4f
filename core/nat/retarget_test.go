package nat

import (
	"context"
	"testing"
)

// TestRetargetFollowsAMove: a plain path latched to the far end's old
// address sends to the new one once retargeted, and latches again to
// where the far end now sends from.
func TestRetargetFollowsAMove(t *testing.T) {
	a, old, moved := listen(t, Config{}), listen(t, Config{}), listen(t, Config{})
	ctx := context.Background()
	if err := a.Connect(ctx, Remote{Addr: old.Addr()}); err != nil {
		t.Fatal(err)
	}
	if err := old.Connect(ctx, Remote{Addr: a.Addr()}); err != nil {
		t.Fatal(err)
	}
	exchange(t, old, a) // a latched to old

	a.Retarget(moved.Addr())
	if err := a.WritePacket(rtpLike("to the new address")); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, moved); string(r.b[2:]) != "to the new address" {
		t.Fatalf("the moved end got %q", r.b)
	}
	// The far end answers from its new address: a stays latched there.
	if err := moved.Connect(ctx, Remote{Addr: a.Addr()}); err != nil {
		t.Fatal(err)
	}
	exchange(t, moved, a)
	if err := a.WritePacket(rtpLike("again")); err != nil {
		t.Fatal(err)
	}
	if r := recv(t, moved); string(r.b[2:]) != "again" {
		t.Fatalf("the moved end got %q", r.b)
	}
}
