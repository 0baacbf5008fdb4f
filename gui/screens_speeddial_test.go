package gui

import (
	"context"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// The speed-dial keys with their busy lamps, added to TestScreens' list.
func init() {
	screens = append(screens, screen{"contacts-speeddial", func(h *harness) {
		h.root.Router.Tab = TabContacts
		h.phone.BLF = map[string]core.BLFState{
			"sip:100@sip.example.com": core.BLFRinging,
			"sip:101@sip.example.com": core.BLFBusy,
			"sip:102@sip.example.com": core.BLFIdle,
		}
		h.withRecords(speedDialRecords(h.t))
		h.settle()
		h.click(h.find("Show the speed-dial slots"))
	}})
}

// speedDialRecords are blfContacts with keys: three extensions (ringing,
// busy, idle), a colleague and a mobile whose lamps say nothing, and
// empty keys between.
func speedDialRecords(t testing.TB) *guitest.Records {
	t.Helper()
	rec := contactRecords(t, blfContacts()...)
	id := contactIDs(t, rec)
	for _, d := range []core.SpeedDial{
		{Slot: 1, Number: "sip:100@sip.example.com", ContactID: id["Reception"]},
		{Slot: 2, Number: "sip:101@sip.example.com", ContactID: id["Sales — Marie"]},
		{Slot: 3, Number: "sip:102@sip.example.com", ContactID: id["Support desk"]},
		{Slot: 5, Number: "sip:bob@sip.example.com", ContactID: id["Bob Dupont"]},
		{Slot: 7, Number: "+1 555 0142", ContactID: id["Zoë Nguyen"]},
	} {
		if err := rec.SetSpeedDial(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}
