package contacts

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
)

// keyedSource is extensions() with three speed-dial keys: Reception's
// extension (watched as a contact too), an extension no contact has, and
// the mobile of a contact without a lamp.
func keyedSource(t *testing.T) *MemSource {
	t.Helper()
	src := NewMemSource(extensions()...)
	ctx := context.Background()
	zed, _ := src.Contacts(ctx, store.ContactQuery{Search: "Zed"})
	for _, d := range []store.SpeedDial{
		{Slot: 1, Number: "100", Label: "Reception"},
		{Slot: 2, Number: "sip:200@pbx.example", Label: "Night desk"},
		{Slot: 12, Number: "+1 555 0199", ContactID: zed[0].ID},
	} {
		if err := src.SetSpeedDial(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	return src
}

func TestWatchSetIsContactsAndKeys(t *testing.T) {
	keys := []store.SpeedDial{
		{Slot: 1, Number: " 100 "},               // also a BLF contact's: once
		{Slot: 2, Number: "sip:200@pbx.example"}, // a key only
		{Slot: 3, Number: "+1 555 0199"},         // a contact's without a lamp: the key watches it
		{Slot: 4, Number: "   "},                 // nothing to watch
	}
	got := WatchSet(extensions(), keys)
	want := []string{"+1 555 0199", "100", "130", "sip:200@pbx.example", "sip:sales@pbx.example", "sip:support@pbx.example"}
	if !slices.Equal(got, want) {
		t.Fatalf("WatchSet %q, want %q", got, want)
	}
	if got := WatchSet(nil, keys[:1]); !slices.Equal(got, []string{"100"}) {
		t.Fatalf("keys alone %q", got)
	}
	if got := WatchSet(extensions(), nil); !slices.Equal(got, []string{"100", "130", "sip:sales@pbx.example", "sip:support@pbx.example"}) {
		t.Fatalf("contacts alone %q", got)
	}
}

func TestSpeedDialKeysAreWatched(t *testing.T) {
	src := keyedSource(t)
	h := newWatchHarness(t, src, nil)
	// One Watch: the BLF contacts and every key, together.
	if got := h.watches(); !slices.Equal(got, []string{"[+1 555 0199 100 130 sip:200@pbx.example sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch at start %q", got)
	}

	// A key set from a contact's detail page joins the set at once.
	h.ClickPrefix("Open Sales desk")
	h.ClickPrefix("Put +44 7700 900100 on a speed-dial key")
	h.ClickPrefix("Speed dial 3 for +44 7700 900100")
	h.Frame()
	if got := h.watches(); !slices.Equal(got, []string{"[+1 555 0199 +44 7700 900100 100 130 sip:200@pbx.example sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch after setting key 3 %q (errors %q)", got, h.Errs)
	}

	// Cleared on the speed-dial screen: it leaves the set. Key 1 goes too,
	// but Reception stays watched as a BLF contact.
	h.ClickPrefix("Back to the contacts")
	h.ClickPrefix("Show the speed-dial slots")
	h.ClickPrefix("Clear speed dial 3")
	h.ClickPrefix("Clear speed dial 1")
	h.Frame()
	got := h.watches()
	if len(got) == 0 || got[len(got)-1] != "[+1 555 0199 100 130 sip:200@pbx.example sip:sales@pbx.example sip:support@pbx.example]" {
		t.Fatalf("watch after clearing keys 3 and 1 %q", got)
	}

	// A key set by another process (softphone contacts speed-dial) is
	// watched at the next check.
	if err := src.SetSpeedDial(context.Background(), store.SpeedDial{Slot: 9, Number: "sip:900@pbx.example"}); err != nil {
		t.Fatal(err)
	}
	h.Now = h.Now.Add(blfRecheck + time.Second)
	h.Frame()
	h.Frame()
	if got := h.watches(); !slices.Equal(got, []string{"[+1 555 0199 100 130 sip:200@pbx.example sip:900@pbx.example sip:sales@pbx.example sip:support@pbx.example]"}) {
		t.Fatalf("watch after a key set elsewhere %q", got)
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

func TestSpeedDialLamps(t *testing.T) {
	blf := map[string]core.BLFState{
		"sip:100@pbx.example": core.BLFRinging, // the phone wrote the extension out in full
		"sip:200@pbx.example": core.BLFBusy,
	}
	h := newWatchHarness(t, keyedSource(t), blf)
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
	h.phone.BLF = map[string]core.BLFState{"sip:100@pbx.example": core.BLFIdle}
	h.Frame()
	if _, ok := h.FindPrefix("Pick up"); ok || !h.HasPrefix("Call speed dial 1, Reception, line available") {
		t.Fatalf("after the ringing: %q", h.Descriptions())
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}
