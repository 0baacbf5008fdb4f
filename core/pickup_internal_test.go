package core

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
)

func startedPhone(t *testing.T) *Engine {
	t.Helper()
	cfg := &config.Config{}
	cfg.SIP.Listen = "127.0.0.1:0"
	p, err := New(cfg, WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Close(ctx)
	})
	return p
}

// The server's dialog state is not trusted: a caller address or a tag
// that would break out of the INVITE's headers is refused before anything
// is sent; a good one gives an INVITE with the Replaces the caller expects.
func TestPickupChecksDialogState(t *testing.T) {
	p := startedPhone(t)
	caller, err := sip.Listen("127.0.0.1:0", sip.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer caller.Close()
	invites := make(chan *sip.Incoming, 4)
	caller.HandleInvites(func(in *sip.Incoming) { invites <- in })
	callerURI := "sip:dave@" + caller.Addr().String()
	good := presence.Dialog{ID: "d1", State: "early", Direction: "recipient", CallID: "abc@host", LocalTag: "bobtag", RemoteTag: "davetag",
		Remote: presence.Party{Identity: callerURI}}

	for name, mod := range map[string]func(*presence.Dialog){
		"second address in the identity": func(d *presence.Dialog) { d.Remote.Identity = "sip:a>,<sip:x@evil.com>;y=\"@example.com" },
		"space in the identity":          func(d *presence.Dialog) { d.Remote.Identity = "sip:bob smith@" + caller.Addr().String() },
		"port out of range":              func(d *presence.Dialog) { d.Remote.Identity = "sip:dave@127.0.0.1:70000" },
		"header in a tag":                func(d *presence.Dialog) { d.LocalTag = "x\r\nX-Evil: 1" },
		"parameter in a tag":             func(d *presence.Dialog) { d.RemoteTag = "x;early-only" },
		"space in the call-id":           func(d *presence.Dialog) { d.CallID = "a b" },
		"no tags":                        func(d *presence.Dialog) { d.LocalTag = "" },
	} {
		d := good
		mod(&d)
		if id, err := p.pickupDialog("bob", d, ""); err == nil {
			t.Errorf("%s: Pickup = %s, want an error", name, id)
		}
	}
	if calls := p.Calls(); len(calls) != 0 {
		t.Fatalf("refused pickups placed calls: %+v", calls)
	}
	select {
	case in := <-invites:
		t.Fatalf("a refused pickup sent an INVITE from %s", in.From.URI)
	case <-time.After(200 * time.Millisecond):
	}

	id, err := p.pickupDialog("bob", good, "")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case in := <-invites:
		if got, want := in.Header("Replaces"), "abc@host;to-tag=davetag;from-tag=bobtag;early-only"; got != want {
			t.Errorf("Replaces %q, want %q", got, want)
		}
		if err := in.Reject(486, "Busy Here"); err != nil {
			t.Error(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no pickup INVITE at the caller")
	}
	if err := p.Hangup(id); err != nil && !strings.Contains(err.Error(), "unknown call") {
		t.Error(err)
	}
}
