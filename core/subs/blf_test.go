package subs

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// The watched set is the read model's: Watch publishes it when it
// changes, and odd entries are named without blanking the others.
func TestWatchPublishesTheSet(t *testing.T) {
	m, bus, _ := testManager(t, false)
	err := m.Watch([]string{" bob ", "sip:x@evil.com>", "bob", "", "sip:dave@pbx.example"})
	if err == nil || !strings.Contains(err.Error(), "watch") || !strings.Contains(err.Error(), "evil") {
		t.Errorf("Watch error %v, want the bad entry named", err)
	}
	s := bus.State()
	want := map[string]state.BLFState{"bob": state.BLFUnknown, "sip:dave@pbx.example": state.BLFUnknown}
	if !slices.Equal(s.Watched, []string{"bob", "sip:dave@pbx.example"}) || !maps.Equal(s.Lamps, want) {
		t.Fatalf("watched %v, lamps %v", s.Watched, s.Lamps)
	}

	v := s.Version
	if err := m.Watch([]string{"bob", "sip:dave@pbx.example"}); err != nil {
		t.Fatal(err)
	}
	if got := bus.State().Version; got != v {
		t.Errorf("the same set again published %d events", got-v)
	}

	if err := m.Watch([]string{"sip:dave@pbx.example"}); err != nil {
		t.Fatal(err)
	}
	if s := bus.State(); !slices.Equal(s.Watched, []string{"sip:dave@pbx.example"}) || len(s.Lamps) != 1 {
		t.Fatalf("after dropping bob: watched %v, lamps %v", s.Watched, s.Lamps)
	}

	many := make([]string, MaxWatched+1)
	for i := range many {
		many[i] = fmt.Sprint(1000 + i)
	}
	if err := m.Watch(many); err == nil {
		t.Error("more than MaxWatched extensions accepted")
	}
	if s := bus.State(); len(s.Watched) != 1 {
		t.Errorf("a refused set changed the lamps: %v", s.Watched)
	}
}

const ringingDoc = `<?xml version="1.0"?>
<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="%d" state="full" entity="sip:bob@pbx.example">
  <dialog id="d1" call-id="abc@host" local-tag="bobtag" remote-tag="davetag" direction="recipient">
    <state>%s</state>
    <remote><identity>sip:dave@pbx.example</identity></remote>
  </dialog>
</dialog-info>`

// A dialog-info NOTIFY moves the lamp; the ringing dialog is what a
// pickup replaces; a lamp dropped from the set takes no more NOTIFYs.
func TestDialogNotifyMovesTheLamp(t *testing.T) {
	m, bus, _ := testManager(t, false)
	if err := m.Watch([]string{"bob"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := m.Ringing("carol"); err == nil || errors.Is(err, ErrNotRinging) {
		t.Errorf("Ringing(an extension not watched) = %v", err)
	}
	if _, _, err := m.Ringing("bob"); !errors.Is(err, ErrNotRinging) {
		t.Errorf("Ringing(bob) before any NOTIFY = %v", err)
	}
	m.mu.Lock()
	w := m.watch["bob"]
	m.mu.Unlock()
	lamp := func() state.BLFState { return bus.State().Lamps["bob"] }

	m.onDialogNotify(w, sip.Notification{ContentType: "application/dialog-info+xml", State: "active", First: true,
		Body: fmt.Appendf(nil, ringingDoc, 1, "early")})
	if got := lamp(); got != state.BLFRinging {
		t.Fatalf("lamp %s, want ringing", got)
	}
	d, _, err := m.Ringing("bob")
	if err != nil || d.CallID != "abc@host" || d.LocalTag != "bobtag" || d.Remote.Identity != "sip:dave@pbx.example" {
		t.Fatalf("Ringing(bob) = %+v, %v", d, err)
	}

	m.onDialogNotify(w, sip.Notification{ContentType: "text/plain", State: "active", Body: []byte("busy")})
	if got := lamp(); got != state.BLFRinging {
		t.Errorf("a body of another type moved the lamp to %s", got)
	}
	m.onDialogNotify(w, sip.Notification{ContentType: "application/dialog-info+xml", State: "active",
		Body: fmt.Appendf(nil, ringingDoc, 2, "confirmed")})
	if got := lamp(); got != state.BLFBusy {
		t.Errorf("lamp %s, want busy", got)
	}
	// A new subscription dialog with nothing to report: idle.
	m.onDialogNotify(w, sip.Notification{State: "active", First: true})
	if got := lamp(); got != state.BLFIdle {
		t.Errorf("lamp %s after an empty NOTIFY, want idle", got)
	}

	if err := m.Watch(nil); err != nil {
		t.Fatal(err)
	}
	v := bus.State().Version
	m.onDialogNotify(w, sip.Notification{ContentType: "application/dialog-info+xml", State: "active",
		Body: fmt.Appendf(nil, ringingDoc, 3, "early")})
	if got := bus.State().Version; got != v {
		t.Errorf("a dropped extension's NOTIFY published %d events", got-v)
	}
}

// An extension is watched through the account of its domain, else the
// first registered one; never through an unregistered account.
func TestPickLine(t *testing.T) {
	m, _, _ := testManager(t, false)
	if l := m.pickLine(nil, "bob@home.example"); l != nil {
		t.Errorf("pickLine with no lines = %v", l)
	}
	lines := []Line{
		{Name: "off", From: sip.Target{Domain: "home.example"}},
		{Name: "work", From: sip.Target{Domain: "pbx.example"}, Registered: true},
		{Name: "home", From: sip.Target{Domain: "home.example:5060"}, Registered: true},
	}
	for u, want := range map[string]string{"bob@home.example": "home", "2000": "work", "sip:x@elsewhere.example": "work"} {
		if l := m.pickLine(lines, u); l == nil || l.Name != want {
			t.Errorf("pickLine(%s) = %v, want %s", u, l, want)
		}
	}
	if uri, err := m.watchTarget("2000", &lines[1]); err != nil || uri != "sip:2000@pbx.example" {
		t.Errorf("watchTarget(2000) = %q, %v", uri, err)
	}
	if _, err := m.watchTarget("2000", &Line{Name: "bare"}); err == nil {
		t.Error("a number watched through an account without a domain")
	}
}
