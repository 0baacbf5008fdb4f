package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/internal/testlab"
)

// waitBLF waits for uri to reach state; a failure lists the states seen
// on the way.
func waitBLF(t *testing.T, events <-chan core.Event, uri string, state core.BLFState, within time.Duration) {
	t.Helper()
	var seen []core.BLFState
	defer func() {
		if t.Failed() {
			t.Logf("BLF states of %s seen: %v", uri, seen)
		}
	}()
	waitFor(t, events, within, fmt.Sprintf("%s %s", uri, state), func(e core.Event) bool {
		b, isBLF := e.(core.BLFEvent)
		if !isBLF || b.URI != uri {
			return false
		}
		seen = append(seen, b.State)
		return b.State == state
	})
}

func TestBLFThroughKamailio(t *testing.T) {
	k := testlab.StartPresenceKamailio(t, testlab.KamailioOptions{Users: presenceUsers()})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, AnswerMode: "manual", Codecs: []string{"pcmu"}})
	alice := testlab.StartBaresip(t, testlab.BaresipOptions{User: "alice", Kamailio: k, Codecs: []string{"pcmu"}})
	p, events := startPhone(t, writeRawConfig(t, featureConfig(k, "carol", "mwi = false\n")))
	waitStatus(t, events, "carol", 10*time.Second, account.Registered)

	if err := p.Watch(context.Background(), []string{"bob", " bob ", "sip:dave@" + k.Domain}); err != nil {
		t.Fatal(err)
	}
	if w := p.State().Lamps; len(w) != 2 || w["bob"] != core.BLFUnknown {
		t.Fatalf("Watched() = %v, want bob and dave unknown", w)
	}
	// A bad entry is refused by name; the others are watched all the same.
	if err := p.Watch(context.Background(), []string{"bob", "bob\r\nX: y", "sip:dave@" + k.Domain}); err == nil {
		t.Fatal("a URI with CRLF was accepted")
	}
	if w := p.State().Lamps; len(w) != 2 || w["bob"] == "" {
		t.Fatalf("Watched() = %v after a bad entry, want bob and dave still watched", w)
	}
	// Kamailio's first NOTIFY has no body: an accepted subscription with
	// no dialog to report is an idle line, and it means the subscription
	// is in place before the call.
	waitBLF(t, events, "bob", core.BLFIdle, 10*time.Second)

	if err := alice.Dial(fmt.Sprintf("sip:bob@%s", k.Domain)); err != nil {
		t.Fatal(err)
	}
	waitBLF(t, events, "bob", core.BLFRinging, 10*time.Second)
	bobWait(t, bob, "CALL_INCOMING", 5*time.Second)
	if err := bob.Accept(); err != nil {
		t.Fatal(err)
	}
	waitBLF(t, events, "bob", core.BLFBusy, 10*time.Second)
	if got := p.State().Lamps["bob"]; got != core.BLFBusy {
		t.Fatalf("Watched()[bob] = %s after the event, want busy", got)
	}
	if err := alice.Hangup(); err != nil {
		t.Fatal(err)
	}
	waitBLF(t, events, "bob", core.BLFIdle, 10*time.Second)

	// Dropping an extension ends its subscription and its entry.
	if err := p.Watch(context.Background(), []string{"sip:dave@" + k.Domain}); err != nil {
		t.Fatal(err)
	}
	if w := p.State().Lamps; len(w) != 1 {
		t.Fatalf("Watched() after dropping bob: %v", w)
	}
}
