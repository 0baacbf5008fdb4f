package contacts

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

type harness struct {
	*guitest.Harness
	page    *Page
	phone   *guitest.Phone
	journal *guitest.JournalPhone // the phone the page is given: its lamps
	rec     *guitest.Records
}

// newHarness shows the page with a phone whose records hold cs.
func newHarness(t *testing.T, cs ...core.Contact) *harness {
	t.Helper()
	rec := guitest.NewRecords()
	if err := rec.AddContact(cs...); err != nil {
		t.Fatal(err)
	}
	return newHarnessOver(t, rec)
}

// newHarnessOver shows the page with a phone whose records are rec.
func newHarnessOver(t *testing.T, rec *guitest.Records) *harness {
	h := &harness{page: New(), phone: guitest.NewPhone(), rec: rec}
	h.phone.Records = rec
	h.journal = guitest.NewJournalPhone(h.phone, rec)
	h.Harness = guitest.NewPage(t, h.journal, theme.New(false, guitest.Shaper), image.Pt(420, 800), time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC),
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	for range 3 {
		h.Frame()
	}
	return h
}

// dialled checks the phone was asked to dial to, once.
func (h *harness) dialled(to string) {
	h.T.Helper()
	if got := h.phone.Commands(); len(got) != 1 || got[0] != "Dial "+to {
		h.T.Fatalf("commands %q, want a dial of %q", got, to)
	}
}

func people(n int) []core.Contact {
	out := make([]core.Contact, n)
	for i := range out {
		out[i] = core.Contact{Name: fmt.Sprintf("Person %05d", i), Numbers: []core.ContactNumber{{Label: "mobile", Value: fmt.Sprintf("+44 7700 9%05d", i)}}}
	}
	out = append(out, core.Contact{Name: "Ada Lovelace", Numbers: []core.ContactNumber{
		{Label: "mobile", Value: "+44 20 7946 0958"}, {Label: "sip", Value: "sip:ada@pbx"}}, Note: "engines"})
	return out
}

func TestContactsPageWithoutRecords(t *testing.T) {
	rec := guitest.NewRecords()
	rec.SetErr(core.ErrNoRecords)
	h := newHarnessOver(t, rec)
	if !h.HasPrefix("Contacts are not available") {
		t.Fatalf("%q", h.Texts())
	}
	if _, ok := h.FindPrefix("Add a contact"); ok || len(h.Errs) != 0 {
		t.Fatalf("Add offered, or errors %q", h.Errs)
	}
}

func TestContactsPageLoadsLazily(t *testing.T) {
	h := newHarness(t, people(1000)...)
	if h.page.Len() != pageSize || !h.HasPrefix("1001 contacts") {
		t.Fatalf("%d loaded; %q", h.page.Len(), h.Texts()[:5])
	}
	for range 20 {
		h.page.list.Position.First = h.page.Len() - 1
		h.Frame()
	}
	if h.page.Len() != 1001 {
		t.Fatalf("%d after scrolling to the end", h.page.Len())
	}
}

func TestContactsPageSearchOpenAndCall(t *testing.T) {
	h := newHarness(t, people(50)...)
	h.TypeAfter("Search contacts", "ada")
	if h.page.Len() != 1 || !h.HasPrefix("Open Ada Lovelace") {
		t.Fatalf("search: %d; %q", h.page.Len(), h.Texts())
	}
	h.ClickPrefix("Open Ada Lovelace")
	if !h.HasPrefix("Call Ada Lovelace mobile +44 20 7946 0958") || !h.HasPrefix("engines") {
		t.Fatalf("detail: %q", h.Texts())
	}
	h.ClickPrefix("Call Ada Lovelace sip sip:ada@pbx")
	h.dialled("sip:ada@pbx")
	h.ClickPrefix("Back to the contacts")
	if !h.HasPrefix("Search contacts") {
		t.Fatal("not back on the list")
	}
}

func TestContactsPageFavouriteAddEditDelete(t *testing.T) {
	h := newHarness(t, people(3)...)
	src := h.rec
	h.ClickPrefix("Add Ada Lovelace to favourites")
	if favs, _ := src.Contacts(context.Background(), core.ContactQuery{Favourites: true}); len(favs) != 1 || !h.HasPrefix("Remove Ada Lovelace from favourites") {
		t.Fatalf("favourite: %+v", favs)
	}

	h.ClickPrefix("Add a contact")
	h.TypeAfter("Contact name", "Grace Hopper")
	h.TypeAfter("Number 1", "+1 555 0100")
	h.ClickPrefix("Add another number")
	h.TypeAfter("Number 2", "sip:grace@navy")
	h.ClickPrefix("Save the contact")
	cs, _ := src.Contacts(context.Background(), core.ContactQuery{Search: "grace"})
	if len(cs) != 1 || len(cs[0].Numbers) != 2 || cs[0].Numbers[0].Label != "mobile" || cs[0].Numbers[1].Value != "sip:grace@navy" {
		t.Fatalf("added %+v (errors %q)", cs, h.Errs)
	}
	if !h.HasPrefix("Call Grace Hopper mobile +1 555 0100") {
		t.Fatalf("not on the new contact's page: %q", h.Texts())
	}

	h.ClickPrefix("Edit Grace Hopper")
	h.TypeAfter("Contact name", " (Admiral)")
	h.ClickPrefix("Remove number 2")
	h.ClickPrefix("Save the contact")
	if c, _ := src.ContactByID(context.Background(), cs[0].ID); c.Name != "Grace Hopper (Admiral)" || len(c.Numbers) != 1 {
		t.Fatalf("edited %+v", c)
	}

	h.ClickPrefix("Delete Grace Hopper (Admiral)")
	h.ClickPrefix("Keep Grace Hopper (Admiral)")
	h.ClickPrefix("Delete Grace Hopper (Admiral)")
	h.ClickPrefix("Delete Grace Hopper (Admiral) for good")
	if _, err := src.ContactByID(context.Background(), cs[0].ID); err == nil {
		t.Fatal("not deleted")
	}
	if !h.HasPrefix("Search contacts") || h.page.Len() != 4 {
		t.Fatalf("after delete: %d; %q", h.page.Len(), h.Texts())
	}
	// An empty form is refused with the reason shown.
	h.ClickPrefix("Add a contact")
	h.ClickPrefix("Save the contact")
	if !h.HasPrefix("store: invalid contact") {
		t.Fatalf("no error shown: %q", h.Texts())
	}
	h.ClickPrefix("Discard the changes")
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

func TestContactsPageSpeedDial(t *testing.T) {
	h := newHarness(t, people(3)...)
	src := h.rec
	h.ClickPrefix("Open Ada Lovelace")
	h.ClickPrefix("Put +44 20 7946 0958 on a speed-dial key")
	h.ClickPrefix("Speed dial 2 for +44 20 7946 0958")
	ds, _ := src.SpeedDials(context.Background())
	if len(ds) != 1 || ds[0].Slot != 2 || ds[0].Number != "+44 20 7946 0958" || ds[0].ContactID == 0 {
		t.Fatalf("slots %+v", ds)
	}
	if !h.HasPrefix("+44 20 7946 0958 is on speed dial 2") {
		t.Fatalf("%q", h.Texts())
	}
	h.ClickPrefix("Back to the contacts")
	h.ClickPrefix("Show the speed-dial slots")
	h.ClickPrefix("Call speed dial 2, Ada Lovelace")
	h.dialled("+44 20 7946 0958")
	h.ClickPrefix("Clear speed dial 2")
	if ds, _ := src.SpeedDials(context.Background()); len(ds) != 0 {
		t.Fatalf("slots after clear %+v", ds)
	}
}

// TestContactsPageSearchesAndKeys: a search reads the phone's contacts,
// and a key set from the result is the phone's speed dial.
func TestContactsPageSearchesAndKeys(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, people(2)...)
	h.TypeAfter("Search contacts", "lovel")
	if h.page.Len() != 1 {
		t.Fatalf("%d; %q", h.page.Len(), h.Texts())
	}
	h.ClickPrefix("Open Ada Lovelace")
	h.ClickPrefix("Put +44 20 7946 0958 on a speed-dial key")
	h.ClickPrefix("Speed dial 3 for")
	if d, ok, err := h.rec.SpeedDial(ctx, 3); err != nil || !ok || d.Number != "+44 20 7946 0958" {
		t.Fatalf("slot 3: %+v %v %v", d, ok, err)
	}
}
