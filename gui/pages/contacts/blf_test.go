package contacts

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"
	"time"

	"gioui.org/f32"
	"gioui.org/io/pointer"
	"gioui.org/io/semantic"
	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

// extensions are colleagues watched with a busy lamp, and one who is not.
func extensions() []store.Contact {
	return []store.Contact{
		{Name: "Reception", BLF: true, Numbers: []store.Number{{Label: "ext", Value: "100"}}},
		{Name: "Sales desk", BLF: true, Numbers: []store.Number{{Label: "mobile", Value: "+44 7700 900100"}, {Label: "sip", Value: "sip:sales@pbx.example"}}},
		{Name: "Support", BLF: true, Numbers: []store.Number{{Label: "sip", Value: "sip:support@pbx.example"}}},
		{Name: "Warehouse", BLF: true, Numbers: []store.Number{{Label: "ext", Value: "130"}}},
		{Name: "Zed Outside", Numbers: []store.Number{{Label: "mobile", Value: "+1 555 0199"}}},
	}
}

// newWatchHarness is the contacts page as the window runs it: SyncWatch
// every frame, then the page.
func newWatchHarness(t *testing.T, src Source, blf map[string]core.BLFState) *harness {
	h := &harness{page: New(), phone: guitest.NewPhone()}
	h.phone.BLF = blf
	h.Harness = guitest.NewPage(t, h.phone, theme.New(false, guitest.Shaper), image.Pt(420, 800), time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC),
		func(gtx layout.Context, e *env.Env) layout.Dimensions {
			h.page.SyncWatch(e)
			return h.page.Layout(gtx, e)
		})
	h.page.SetSource(src)
	for range 3 {
		h.Frame()
	}
	return h
}

// watches lists the sets Watch was given, then forgets the commands.
func (h *harness) watches() []string {
	var out []string
	for _, c := range h.phone.Commands() {
		if strings.HasPrefix(c, "Watch ") {
			out = append(out, strings.TrimPrefix(c, "Watch "))
		}
	}
	h.phone.Reset()
	return out
}

func TestContactsWatchTheBLFContacts(t *testing.T) {
	src := NewMemSource(extensions()...)
	h := newWatchHarness(t, src, nil)
	// At start: the BLF contacts' SIP address, else their number; not the
	// contact without a lamp. Sorted, once.
	if got := h.watches(); !slices.Equal(got, []string{"[100 130 sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch at start %q", got)
	}
	for range 5 {
		h.Frame()
	}
	h.Now = h.Now.Add(blfRecheck + time.Second)
	h.Frame()
	h.Frame()
	if got := h.watches(); len(got) != 0 {
		t.Fatalf("same set watched again: %q", got)
	}

	// Marking a contact in the form watches it too.
	h.ClickPrefix("Open Zed Outside")
	h.ClickPrefix("Edit Zed Outside")
	h.clickCheckBox(1) // the second: Watch presence (busy lamp)
	h.ClickPrefix("Save the contact")
	h.Frame()
	if got := h.watches(); !slices.Equal(got, []string{"[+1 555 0199 100 130 sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch after marking %q (errors %q)", got, h.Errs)
	}

	// A contact deleted elsewhere (another process) drops out at the next
	// check.
	cs, _ := src.Contacts(context.Background(), store.ContactQuery{Search: "Warehouse"})
	if err := src.DeleteContact(context.Background(), cs[0].ID); err != nil {
		t.Fatal(err)
	}
	h.Now = h.Now.Add(blfRecheck + time.Second)
	h.Frame()
	h.Frame()
	if got := h.watches(); !slices.Equal(got, []string{"[+1 555 0199 100 sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch after a delete elsewhere %q", got)
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

func TestContactsWithoutBLFWatchNothing(t *testing.T) {
	h := newWatchHarness(t, NewMemSource(people(3)...), nil)
	if got := h.watches(); len(got) != 0 {
		t.Fatalf("watched %q with no BLF contact", got)
	}
}

func TestContactsBLFLamps(t *testing.T) {
	blf := map[string]core.BLFState{
		"sip:100@pbx.example":     core.BLFRinging, // the phone wrote the extension out in full
		"sip:sales@pbx.example":   core.BLFBusy,
		"sip:support@pbx.example": core.BLFIdle,
	}
	h := newWatchHarness(t, NewMemSource(extensions()...), blf)
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
	blf := map[string]core.BLFState{"sip:100@pbx.example": core.BLFRinging, "sip:support@pbx.example": core.BLFRinging}
	h := newWatchHarness(t, NewMemSource(extensions()...), blf)
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
	h.phone.BLF = map[string]core.BLFState{"sip:support@pbx.example": core.BLFBusy}
	h.Frame()
	if _, ok := h.FindPrefix("Pick up"); ok || !h.HasPrefix("Support's line: busy") {
		t.Fatalf("after the ringing: %q", h.Texts())
	}
}

func TestWatchAddress(t *testing.T) {
	for _, tc := range []struct {
		c    store.Contact
		want string
	}{
		{store.Contact{Numbers: []store.Number{{Value: "+1 555"}, {Value: "bob@pbx"}}}, "bob@pbx"},
		{store.Contact{Numbers: []store.Number{{Value: " 100 "}, {Value: "SIP:Bob@pbx"}}}, "SIP:Bob@pbx"},
		{store.Contact{Numbers: []store.Number{{Value: " "}, {Value: "200"}}}, "200"},
		{store.Contact{}, ""},
	} {
		if got := WatchAddress(tc.c); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.c.Numbers, got, tc.want)
		}
	}
}
