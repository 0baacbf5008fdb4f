package contacts

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// recordsOf holds cs.
func recordsOf(t *testing.T, cs ...core.Contact) *guitest.Records {
	t.Helper()
	rec := guitest.NewRecords()
	if err := rec.AddContact(cs...); err != nil {
		t.Fatal(err)
	}
	return rec
}

// keyedRecords is extensions() with three speed-dial keys: Reception's
// extension (watched as a contact too), an extension no contact has, and
// the mobile of a contact without a lamp.
func keyedRecords(t *testing.T) *guitest.Records {
	t.Helper()
	rec := recordsOf(t, extensions()...)
	ctx := context.Background()
	zed, _ := rec.Contacts(ctx, core.ContactQuery{Search: "Zed"})
	for _, d := range []core.SpeedDial{
		{Slot: 1, Number: "100", Label: "Reception"},
		{Slot: 2, Number: "sip:200@pbx.example", Label: "Night desk"},
		{Slot: 12, Number: "+1 555 0199", ContactID: zed[0].ID},
	} {
		if err := rec.SetSpeedDial(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return rec
}

func TestSpeedDialLamps(t *testing.T) {
	lamps := map[string]core.BLFState{
		"sip:100@pbx.example": core.BLFRinging, // the phone wrote the extension out in full
		"sip:200@pbx.example": core.BLFBusy,
	}
	h := newLampHarness(t, keyedRecords(t), lamps)
	h.ClickPrefix("Show the speed-dial slots")
	for _, want := range []string{
		"Call speed dial 1, Reception, line ringing",
		"Call speed dial 2, Night desk, line busy",
		"Call speed dial 12, Zed Outside, line unknown",
	} {
		if !h.HasPrefix(want) {
			t.Errorf("no %q; have %q", want, h.Descriptions())
		}
	}
	for _, d := range h.Descriptions() {
		if strings.HasPrefix(d, "Call speed dial 3") {
			t.Errorf("an empty key is called: %q", d)
		}
	}
	// The lamp's state is in the row's text too, not only in its colour.
	if !h.HasPrefix("Ringing · 100") || !h.HasPrefix("Busy · sip:200@pbx.example") {
		t.Errorf("row texts %q", h.Texts())
	}
	var pickups []string
	for _, d := range h.Descriptions() {
		if strings.HasPrefix(d, "Pick up") {
			pickups = append(pickups, d)
		}
	}
	if !slices.Equal(pickups, []string{"Pick up the call ringing at speed dial 1, Reception"}) {
		t.Fatalf("pick-up buttons %q", pickups)
	}

	h.phone.Reset()
	h.ClickPrefix("Pick up the call ringing at speed dial 1")
	// The address the lamp comes from, as the phone knows it; no call.
	if got := h.phone.Commands(); !slices.Equal(got, []string{"Pickup sip:100@pbx.example"}) {
		t.Fatalf("commands %q", got)
	}
	h.phone.Reset()

	// Tapping the row still calls the key.
	h.ClickPrefix("Call speed dial 2, Night desk")
	if got := h.phone.Commands(); !slices.Equal(got, []string{"Dial sip:200@pbx.example"}) {
		t.Fatalf("commands %q", got)
	}

	// When the line stops ringing the button goes.
	h.journal.SetLamps(map[string]core.BLFState{"sip:100@pbx.example": core.BLFIdle})
	h.Frame()
	if _, ok := h.FindPrefix("Pick up"); ok || !h.HasPrefix("Call speed dial 1, Reception, line available") {
		t.Fatalf("after the ringing: %q", h.Descriptions())
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}
