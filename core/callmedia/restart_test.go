package callmedia

import (
	"context"
	"net/netip"
	"testing"
	"time"

	"github.com/softphone/softphone/core/nat"
)

// TestSwitchPathHandsReadingOver: a reader blocked on the path an ICE
// restart replaces goes on reading the new one, and writes leave from it.
func TestSwitchPathHandsReadingOver(t *testing.T) {
	lo := netip.MustParseAddr("127.0.0.1")
	ctx := context.Background()
	listen := func() *nat.Path {
		p, err := nat.Listen(ctx, lo, nat.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { p.Close() })
		return p
	}
	old, next, peer := listen(), listen(), listen()
	sw := &switchPath{cur: old}
	got := make(chan string, 1)
	go func() {
		buf := make([]byte, 100)
		n, _, err := sw.ReadPacket(buf)
		if err != nil {
			got <- "error: " + err.Error()
			return
		}
		got <- string(buf[2:n])
	}()
	if prev := sw.swap(next); prev != old {
		t.Fatal("swap returned another path")
	}
	old.Close() // the reader blocked on it moves to next
	if err := peer.Connect(ctx, nat.Remote{Addr: next.Addr()}); err != nil {
		t.Fatal(err)
	}
	if err := peer.WritePacket([]byte{0x80, 0, 'h', 'i'}); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "hi" {
			t.Fatalf("read %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the reader did not move to the new path")
	}
	if err := next.Connect(ctx, nat.Remote{Addr: peer.Addr()}); err != nil {
		t.Fatal(err)
	}
	if err := sw.WritePacket([]byte{0x80, 0, 'y', 'o'}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 100)
	done := make(chan string, 1)
	go func() {
		n, from, err := peer.ReadPacket(buf)
		if err != nil || from != next.Addr() {
			done <- "wrong"
			return
		}
		done <- string(buf[2:n])
	}()
	select {
	case s := <-done:
		if s != "yo" {
			t.Fatalf("the peer read %q", s)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("nothing written through the new path")
	}
}
