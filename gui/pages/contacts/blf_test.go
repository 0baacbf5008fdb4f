package contacts

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gioui.org/f32"
	"gioui.org/io/pointer"
	"gioui.org/io/semantic"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// extensions are colleagues watched with a busy lamp, and one who is not.
func extensions() []core.Contact {
	return []core.Contact{
		{Name: "Reception", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "100"}}},
		{Name: "Sales desk", BLF: true, Numbers: []core.ContactNumber{{Label: "mobile", Value: "+44 7700 900100"}, {Label: "sip", Value: "sip:sales@pbx.example"}}},
		{Name: "Support", BLF: true, Numbers: []core.ContactNumber{{Label: "sip", Value: "sip:support@pbx.example"}}},
		{Name: "Warehouse", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "130"}}},
		{Name: "Zed Outside", Numbers: []core.ContactNumber{{Label: "mobile", Value: "+1 555 0199"}}},
	}
}

// newLampHarness shows the page over rec with the phone's busy lamps.
func newLampHarness(t *testing.T, rec *guitest.Records, lamps map[string]core.BLFState) *harness {
	h := newHarnessOver(t, rec)
	h.journal.SetLamps(lamps)
	h.Frame()
	return h
}

// TestContactsLeaveTheWatchingToThePhone: marking a contact, setting and
// clearing keys, time passing: the page never asks the phone to watch,
// and reads the contacts only to show them.
func TestContactsLeaveTheWatchingToThePhone(t *testing.T) {
	h := newHarness(t, extensions()...)
	reads := h.rec.ContactReads()
	for range 3 {
		h.Now = h.Now.Add(2 * time.Minute)
		h.Frame()
	}
	if n := h.rec.ContactReads() - reads; n != 0 {
		t.Fatalf("%d reads of the contacts with nothing changed", n)
	}
	h.ClickPrefix("Open Zed Outside")
	h.ClickPrefix("Edit Zed Outside")
	h.clickCheckBox(1) // the second: Watch presence (busy lamp)
	h.ClickPrefix("Save the contact")
	cs, _ := h.rec.Contacts(context.Background(), core.ContactQuery{Search: "Zed"})
	if len(cs) != 1 || !cs[0].BLF {
		t.Fatalf("saved %+v (errors %q)", cs, h.Errs)
	}
	h.ClickPrefix("Put +1 555 0199 on a speed-dial key")
	h.ClickPrefix("Speed dial 4 for +1 555 0199")
	h.ClickPrefix("Back to the contacts")
	h.ClickPrefix("Show the speed-dial slots")
	h.ClickPrefix("Clear speed dial 4")
	if n := h.phone.Count("Watch"); n != 0 {
		t.Fatalf("the page asked the phone to watch %d times: %q", n, h.phone.Commands())
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

// clickCheckBox clicks the i-th check box of the frame (their labels are
// separate nodes, with no bounds to click).
func (h *harness) clickCheckBox(i int) {
	h.T.Helper()
	for _, n := range h.Nodes() {
		if n.Desc.Class != semantic.CheckBox {
			continue
		}
		if i--; i >= 0 {
			continue
		}
		b := n.Desc.Bounds
		pos := f32.Pt(float32(b.Min.X+b.Max.X)/2, float32(b.Min.Y+b.Max.Y)/2)
		h.Router.Queue(
			pointer.Event{Kind: pointer.Press, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
			pointer.Event{Kind: pointer.Release, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
		)
		h.Frame()
		h.Frame()
		return
	}
	h.T.Fatalf("no check box %d", i)
}

func TestContactsBLFLamps(t *testing.T) {
	lamps := map[string]core.BLFState{
		"sip:100@pbx.example":     core.BLFRinging, // the phone wrote the extension out in full
		"sip:sales@pbx.example":   core.BLFBusy,
		"sip:support@pbx.example": core.BLFIdle,
	}
	h := newLampHarness(t, recordsOf(t, extensions()...), lamps)
	for _, want := range []string{
		"Open Reception, line ringing",
		"Open Sales desk, line busy",
		"Open Support, line available",
		"Open Warehouse, line unknown",
	} {
		if !h.HasPrefix(want) {
			t.Errorf("no %q; have %q", want, h.Texts())
		}
	}
	if !h.HasPrefix("Open Zed Outside") || h.HasPrefix("Open Zed Outside, line") {
		t.Errorf("the contact without a lamp: %q", h.Texts())
	}
	// Pick up shows on the ringing line only.
	var pickups []string
	for _, d := range h.Descriptions() {
		if strings.HasPrefix(d, "Pick up") {
			pickups = append(pickups, d)
		}
	}
	if !slices.Equal(pickups, []string{"Pick up the call ringing at Reception"}) {
		t.Fatalf("pick-up buttons %q", pickups)
	}
}

func TestContactsPickupOnTap(t *testing.T) {
	lamps := map[string]core.BLFState{"sip:100@pbx.example": core.BLFRinging, "sip:support@pbx.example": core.BLFRinging}
	h := newLampHarness(t, recordsOf(t, extensions()...), lamps)
	h.phone.Reset()
	h.ClickPrefix("Pick up the call ringing at Reception")
	// The address the lamp comes from, as the phone knows it.
	if got := h.phone.Commands(); !slices.Equal(got, []string{"Pickup sip:100@pbx.example"}) {
		t.Fatalf("commands %q", got)
	}
	h.phone.Reset()

	// From the contact's page too, where the line state shows.
	h.ClickPrefix("Open Support")
	h.Frame()
	if !h.HasPrefix("Support's line: ringing") {
		t.Fatalf("detail: %q", h.Texts())
	}
	h.ClickPrefix("Pick up the call ringing at Support")
	if got := h.phone.Commands(); !slices.Equal(got, []string{"Pickup sip:support@pbx.example"}) {
		t.Fatalf("commands %q", got)
	}
	h.phone.Reset()

	// When the line stops ringing the button goes.
	h.journal.SetLamps(map[string]core.BLFState{"sip:support@pbx.example": core.BLFBusy})
	h.Frame()
	if _, ok := h.FindPrefix("Pick up"); ok || !h.HasPrefix("Support's line: busy") {
		t.Fatalf("after the ringing: %q", h.Texts())
	}
}
