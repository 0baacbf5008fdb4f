package gui

import (
	"context"
	"fmt"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/pages/contacts"
)

// The speed-dial keys with their busy lamps, added to TestScreens' list.
func init() {
	screens = append(screens, screen{"contacts-speeddial", func(h *harness) {
		h.root.Tab = TabContacts
		h.phone.setBLF(map[string]core.BLFState{
			"sip:100@sip.example.com": core.BLFRinging,
			"sip:101@sip.example.com": core.BLFBusy,
			"sip:102@sip.example.com": core.BLFIdle,
		})
		h.root.Contacts.SetSource(speedDialSource(h.t))
		h.settle()
		h.click(h.find("Show the speed-dial slots"))
	}})
}

// speedDialSource is blfContacts with keys: three extensions (ringing,
// busy, idle), a colleague and a mobile whose lamps say nothing, and
// empty keys between.
func speedDialSource(t testing.TB) *contacts.MemSource {
	t.Helper()
	src := contacts.NewMemSource(blfContacts()...)
	ctx := context.Background()
	cs, err := src.Contacts(ctx, store.ContactQuery{})
	if err != nil {
		t.Fatal(err)
	}
	id := map[string]int64{}
	for _, c := range cs {
		id[c.Name] = c.ID
	}
	for _, d := range []store.SpeedDial{
		{Slot: 1, Number: "sip:100@sip.example.com", ContactID: id["Reception"]},
		{Slot: 2, Number: "sip:101@sip.example.com", ContactID: id["Sales — Marie"]},
		{Slot: 3, Number: "sip:102@sip.example.com", ContactID: id["Support desk"]},
		{Slot: 5, Number: "sip:bob@sip.example.com", ContactID: id["Bob Dupont"]},
		{Slot: 7, Number: "+1 555 0142", ContactID: id["Zoë Nguyen"]},
	} {
		if err := src.SetSpeedDial(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

// TestRootWatchesTheSpeedDialKeys: the window has the phone watch every
// speed-dial key with the BLF contacts, in one set, as soon as it runs.
func TestRootWatchesTheSpeedDialKeys(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.root.Contacts.SetSource(speedDialSource(t))
	c := h.phone.waitCommandFraming(t, h, "Watch")
	want := "[+1 555 0142 sip:100@sip.example.com sip:101@sip.example.com sip:102@sip.example.com sip:103@sip.example.com sip:bob@sip.example.com]"
	if got := fmt.Sprint(c.Args...); got != want {
		t.Fatalf("watched %s, want %s", got, want)
	}
	h.frames(5)
	n := 0
	for _, c := range h.phone.commands() {
		if c.Name == "Watch" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("Watch sent %d times, want once: %v", n, h.phone.commands())
	}
}
