package contacts

import (
	"context"
	"fmt"
	"image"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

type harness struct {
	*guitest.Harness
	page  *Page
	phone *guitest.Phone
}

func newHarness(t *testing.T, src Source) *harness {
	h := &harness{page: New(), phone: guitest.NewPhone()}
	h.Harness = guitest.NewPage(t, h.phone, theme.New(false, guitest.Shaper), image.Pt(420, 800), time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC),
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	if src != nil {
		h.page.SetSource(src)
	}
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

func people(n int) []store.Contact {
	out := make([]store.Contact, n)
	for i := range out {
		out[i] = store.Contact{Name: fmt.Sprintf("Person %05d", i), Numbers: []store.Number{{Label: "mobile", Value: fmt.Sprintf("+44 7700 9%05d", i)}}}
	}
	out = append(out, store.Contact{Name: "Ada Lovelace", Numbers: []store.Number{
		{Label: "mobile", Value: "+44 20 7946 0958"}, {Label: "sip", Value: "sip:ada@pbx"}}, Note: "engines"})
	return out
}

func TestContactsPageWithoutSource(t *testing.T) {
	h := newHarness(t, nil)
	if !h.HasPrefix("Contacts are not available") {
		t.Fatalf("%q", h.Texts())
	}
}

func TestContactsPageLoadsLazily(t *testing.T) {
	h := newHarness(t, NewMemSource(people(1000)...))
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
	h := newHarness(t, NewMemSource(people(50)...))
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
	src := NewMemSource(people(3)...)
	h := newHarness(t, src)
	h.ClickPrefix("Add Ada Lovelace to favourites")
	if favs, _ := src.Contacts(context.Background(), store.ContactQuery{Favourites: true}); len(favs) != 1 || !h.HasPrefix("Remove Ada Lovelace from favourites") {
		t.Fatalf("favourite: %+v", favs)
	}

	h.ClickPrefix("Add a contact")
	h.TypeAfter("Contact name", "Grace Hopper")
	h.TypeAfter("Number 1", "+1 555 0100")
	h.ClickPrefix("Add another number")
	h.TypeAfter("Number 2", "sip:grace@navy")
	h.ClickPrefix("Save the contact")
	cs, _ := src.Contacts(context.Background(), store.ContactQuery{Search: "grace"})
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
	src := NewMemSource(people(3)...)
	h := newHarness(t, src)
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

func TestContactsPageReadsAStore(t *testing.T) {
	ctx := context.Background()
	s, err := store.OpenDir(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range people(2) {
		if err := s.SaveContact(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, s)
	h.TypeAfter("Search contacts", "lovel")
	if h.page.Len() != 1 {
		t.Fatalf("%d; %q", h.page.Len(), h.Texts())
	}
	h.ClickPrefix("Open Ada Lovelace")
	h.ClickPrefix("Put +44 20 7946 0958 on a speed-dial key")
	h.ClickPrefix("Speed dial 3 for")
	if to, ok, err := s.ResolveDial(ctx, "3"); err != nil || !ok || to != "+44 20 7946 0958" {
		t.Fatalf("slot 3: %q %v %v", to, ok, err)
	}
}
