package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/internal/testlab"
)

// Do not disturb and busy-when-in-call against baresip callers.

func TestDNDWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})

	t.Run("486", func(t *testing.T) {
		alice := featurePhone(t, k, "alice", "dnd = true\n", 600)
		if err := bob.Dial(aor(k, "alice")); err != nil {
			t.Fatal(err)
		}
		if e := bobWait(t, bob, "CALL_CLOSED", 5*time.Second); e.SIPCode() != 486 {
			t.Errorf("baresip's call closed with %q, want 486", e.Param)
		}
		end := nextCall(t, alice.events, 2*time.Second, "the refused call", func(call.Info) bool { return true })
		endedWith(t, end, core.ReasonDND, 486)
		noCallsLeft(t, alice)
	})

	t.Run("forward busy", func(t *testing.T) {
		carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
		alice := featurePhone(t, k, "alice", "dnd = true\nforward_busy = \"carol\"\n", 600)
		if err := bob.Dial(aor(k, "alice")); err != nil {
			t.Fatal(err)
		}
		end := nextCall(t, alice.events, 5*time.Second, "the forwarded call", func(call.Info) bool { return true })
		forwardedToCarol(t, k, end, bob, carol)
		if err := bob.Hangup(); err != nil {
			t.Fatal(err)
		}
		bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
	})
}

// TestBusyWhenInCallWithBaresip: idle, a call rings; while we talk, the
// next one gets 486; once we hung up, calls ring again.
func TestBusyWhenInCallWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	alice := featurePhone(t, k, "alice", "busy_when_in_call = true\n", 600)

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	first := waitCall(t, alice.events, 5*time.Second, call.Incoming)
	if err := alice.Answer(context.Background(), first.ID); err != nil {
		t.Fatal(err)
	}
	nextCall(t, alice.events, 5*time.Second, "bob's call connected", callState(first.ID, call.Connected))

	if err := carol.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	if e := bobWait(t, carol, "CALL_CLOSED", 5*time.Second); e.SIPCode() != 486 {
		t.Errorf("carol's call closed with %q, want 486", e.Param)
	}
	end := nextCall(t, alice.events, 2*time.Second, "carol's refused call", func(i call.Info) bool { return i.ID != first.ID })
	endedWith(t, end, core.ReasonBusy, 486)
	if got := listed(alice); len(got) != 1 || got[first.ID] != call.Connected {
		t.Errorf("calls after the busy one: %v", got)
	}

	if err := alice.Hangup(first.ID); err != nil {
		t.Fatal(err)
	}
	nextCall(t, alice.events, 5*time.Second, "bob's call ended", callState(first.ID, call.Ended))
	if err := carol.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	again := waitCall(t, alice.events, 5*time.Second, call.Incoming)
	if err := alice.Reject(again.ID, 603); err != nil {
		t.Fatal(err)
	}
	if e := bobWait(t, carol, "CALL_CLOSED", 5*time.Second); e.SIPCode() != 603 {
		t.Errorf("carol's second call closed with %q, want our 603", e.Param)
	}
}

// TestSetDND: SetDND saves dnd on every account (the file says so after a
// reload), keeps the registration running, and applies to the next call.
func TestSetDND(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	second := "\n[[account]]\nname = \"spare\"\nusername = \"carol\"\ndomain = \"example.com\"\nenabled = false\n"
	alice := featurePhone(t, k, "alice", "# the user's comment\n"+second, 600)
	path := alice.Config().Path

	if err := alice.SetDND(context.Background(), "", true); err != nil {
		t.Fatal(err)
	}
	saved, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range saved.Accounts {
		if !a.DND {
			t.Errorf("saved account %s without dnd", a.Name)
		}
	}
	if now := alice.Config(); !now.Accounts[0].DND {
		t.Error("Config() does not show dnd")
	}
	if text := readFile(t, path); strings.Count(text, "dnd = true") != 2 || !strings.Contains(text, "# the user's comment") {
		t.Errorf("saved file:\n%s", text)
	}

	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	if e := bobWait(t, bob, "CALL_CLOSED", 5*time.Second); e.SIPCode() != 486 {
		t.Errorf("baresip's call closed with %q, want 486", e.Param)
	}
	endedWith(t, firstCallKeepingRegistration(t, alice.events, "alice"), core.ReasonDND, 486)

	if err := alice.SetDND(context.Background(), "", false); err != nil {
		t.Fatal(err)
	}
	if saved, err = config.Load(path); err != nil || saved.Accounts[0].DND || saved.Accounts[1].DND {
		t.Errorf("after SetDND(false): %+v, %v", saved, err)
	}
	if err := bob.Dial(aor(k, "alice")); err != nil {
		t.Fatal(err)
	}
	in := firstCallKeepingRegistration(t, alice.events, "alice")
	if in.State != call.Incoming {
		t.Fatalf("call %+v, want it ringing", in)
	}
	if err := alice.Answer(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, alice.events, 5*time.Second)
}

// firstCallKeepingRegistration returns the first call event, failing if
// the account's registration changed before it (DND changes must not
// unregister).
func firstCallKeepingRegistration(t *testing.T, events <-chan core.Event, name string) call.Info {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-events:
			switch e := e.(type) {
			case core.RegistrationEvent:
				if e.Account == name && e.State != account.Registered {
					t.Errorf("registration changed: %+v", e.Status)
				}
			case core.CallEvent:
				return e.Info
			}
		case <-deadline:
			t.Fatal("no call event within 5 s")
		}
	}
}
