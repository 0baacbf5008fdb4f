package contacts

import (
	"context"
	"fmt"
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"gioui.org/f32"
	"gioui.org/font/gofont"
	"gioui.org/io/input"
	"gioui.org/io/key"
	"gioui.org/io/pointer"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/text"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
)

var shaper = text.NewShaper(text.WithCollection(gofont.Collection()))

// fakePhone records dials; any other command panics (nil embedded).
type fakePhone struct {
	env.Phone
	mu    sync.Mutex
	dials []string
}

func (f *fakePhone) Dial(to string, _ core.DialOptions) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dials = append(f.dials, to)
	return "id", nil
}

type harness struct {
	t     *testing.T
	r     input.Router
	ops   op.Ops
	page  *Page
	phone *fakePhone
	e     *env.Env
	now   time.Time
	errs  []string
}

func newHarness(t *testing.T, src Source) *harness {
	h := &harness{t: t, page: New(), phone: &fakePhone{}, now: time.Date(2025, 3, 14, 15, 0, 0, 0, time.UTC)}
	h.e = &env.Env{
		Theme: theme.New(false, shaper),
		Phone: h.phone,
		Run: func(what string, cmd func() error) {
			if err := cmd(); err != nil {
				h.errs = append(h.errs, what+": "+err.Error())
			}
		},
	}
	if src != nil {
		h.page.SetSource(src)
	}
	h.frames(3)
	return h
}

func (h *harness) frame() {
	h.now = h.now.Add(16 * time.Millisecond)
	h.ops.Reset()
	gtx := layout.Context{Ops: &h.ops, Source: h.r.Source(), Metric: unit.Metric{PxPerDp: 1, PxPerSp: 1},
		Now: h.now, Constraints: layout.Exact(image.Pt(420, 800))}
	h.e.Model = env.Model{Now: h.now}
	h.page.Layout(gtx, h.e)
	h.r.Frame(&h.ops)
}

func (h *harness) frames(n int) {
	for range n {
		h.frame()
	}
}

func (h *harness) descs() []string {
	var out []string
	for _, n := range h.r.AppendSemantics(nil) {
		if d := n.Desc.Description + n.Desc.Label; d != "" {
			out = append(out, d)
		}
	}
	return out
}

func (h *harness) has(prefix string) bool {
	for _, d := range h.descs() {
		if strings.HasPrefix(d, prefix) {
			return true
		}
	}
	return false
}

func (h *harness) click(prefix string) {
	h.t.Helper()
	for _, n := range h.r.AppendSemantics(nil) {
		if strings.HasPrefix(n.Desc.Description, prefix) {
			b := n.Desc.Bounds
			pos := f32.Pt(float32(b.Min.X+b.Max.X)/2, float32(b.Min.Y+b.Max.Y)/2)
			h.r.Queue(
				pointer.Event{Kind: pointer.Press, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
				pointer.Event{Kind: pointer.Release, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
			)
			h.frames(2)
			return
		}
	}
	h.t.Fatalf("nothing %q on screen; have %q", prefix, h.descs())
}

// typeInto focuses the field and types s after what it holds.
func (h *harness) typeInto(desc, s string) {
	h.t.Helper()
	h.click(desc)
	h.r.Queue(key.Event{Name: key.NameEnd, State: key.Press}, key.Event{Name: key.NameEnd, State: key.Release})
	h.frame()
	for _, r := range s {
		sel := h.r.EditorState().Selection.Range
		h.r.Queue(key.EditEvent{Range: sel, Text: string(r)})
		at := min(sel.Start, sel.End) + 1 // one rune
		h.r.Queue(key.SelectionEvent{Start: at, End: at})
		h.frame()
	}
	h.frames(2)
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
	if !h.has("Contacts are not available") {
		t.Fatalf("%q", h.descs())
	}
}

func TestContactsPageLoadsLazily(t *testing.T) {
	h := newHarness(t, NewMemSource(people(1000)...))
	if h.page.Len() != pageSize || !h.has("1001 contacts") {
		t.Fatalf("%d loaded; %q", h.page.Len(), h.descs()[:5])
	}
	for range 20 {
		h.page.list.Position.First = h.page.Len() - 1
		h.frame()
	}
	if h.page.Len() != 1001 {
		t.Fatalf("%d after scrolling to the end", h.page.Len())
	}
}

func TestContactsPageSearchOpenAndCall(t *testing.T) {
	h := newHarness(t, NewMemSource(people(50)...))
	h.typeInto("Search contacts", "ada")
	if h.page.Len() != 1 || !h.has("Open Ada Lovelace") {
		t.Fatalf("search: %d; %q", h.page.Len(), h.descs())
	}
	h.click("Open Ada Lovelace")
	if !h.has("Call Ada Lovelace mobile +44 20 7946 0958") || !h.has("engines") {
		t.Fatalf("detail: %q", h.descs())
	}
	h.click("Call Ada Lovelace sip sip:ada@pbx")
	if len(h.phone.dials) != 1 || h.phone.dials[0] != "sip:ada@pbx" {
		t.Fatalf("dials %q", h.phone.dials)
	}
	h.click("Back to the contacts")
	if !h.has("Search contacts") {
		t.Fatal("not back on the list")
	}
}

func TestContactsPageFavouriteAddEditDelete(t *testing.T) {
	src := NewMemSource(people(3)...)
	h := newHarness(t, src)
	h.click("Add Ada Lovelace to favourites")
	if favs, _ := src.Contacts(context.Background(), store.ContactQuery{Favourites: true}); len(favs) != 1 || !h.has("Remove Ada Lovelace from favourites") {
		t.Fatalf("favourite: %+v", favs)
	}

	h.click("Add a contact")
	h.typeInto("Contact name", "Grace Hopper")
	h.typeInto("Number 1", "+1 555 0100")
	h.click("Add another number")
	h.typeInto("Number 2", "sip:grace@navy")
	h.click("Save the contact")
	cs, _ := src.Contacts(context.Background(), store.ContactQuery{Search: "grace"})
	if len(cs) != 1 || len(cs[0].Numbers) != 2 || cs[0].Numbers[0].Label != "mobile" || cs[0].Numbers[1].Value != "sip:grace@navy" {
		t.Fatalf("added %+v (errors %q)", cs, h.errs)
	}
	if !h.has("Call Grace Hopper mobile +1 555 0100") {
		t.Fatalf("not on the new contact's page: %q", h.descs())
	}

	h.click("Edit Grace Hopper")
	h.typeInto("Contact name", " (Admiral)")
	h.click("Remove number 2")
	h.click("Save the contact")
	if c, _ := src.ContactByID(context.Background(), cs[0].ID); c.Name != "Grace Hopper (Admiral)" || len(c.Numbers) != 1 {
		t.Fatalf("edited %+v", c)
	}

	h.click("Delete Grace Hopper (Admiral)")
	h.click("Keep Grace Hopper (Admiral)")
	h.click("Delete Grace Hopper (Admiral)")
	h.click("Delete Grace Hopper (Admiral) for good")
	if _, err := src.ContactByID(context.Background(), cs[0].ID); err == nil {
		t.Fatal("not deleted")
	}
	if !h.has("Search contacts") || h.page.Len() != 4 {
		t.Fatalf("after delete: %d; %q", h.page.Len(), h.descs())
	}
	// An empty form is refused with the reason shown.
	h.click("Add a contact")
	h.click("Save the contact")
	if !h.has("store: invalid contact") {
		t.Fatalf("no error shown: %q", h.descs())
	}
	h.click("Discard the changes")
	if len(h.errs) != 0 {
		t.Fatal(h.errs)
	}
}

func TestContactsPageSpeedDial(t *testing.T) {
	src := NewMemSource(people(3)...)
	h := newHarness(t, src)
	h.click("Open Ada Lovelace")
	h.click("Put +44 20 7946 0958 on a speed-dial key")
	h.click("Speed dial 2 for +44 20 7946 0958")
	ds, _ := src.SpeedDials(context.Background())
	if len(ds) != 1 || ds[0].Slot != 2 || ds[0].Number != "+44 20 7946 0958" || ds[0].ContactID == 0 {
		t.Fatalf("slots %+v", ds)
	}
	if !h.has("+44 20 7946 0958 is on speed dial 2") {
		t.Fatalf("%q", h.descs())
	}
	h.click("Back to the contacts")
	h.click("Show the speed-dial slots")
	h.click("Call speed dial 2, Ada Lovelace")
	if len(h.phone.dials) != 1 || h.phone.dials[0] != "+44 20 7946 0958" {
		t.Fatalf("dials %q", h.phone.dials)
	}
	h.click("Clear speed dial 2")
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
	h.typeInto("Search contacts", "lovel")
	if h.page.Len() != 1 {
		t.Fatalf("%d; %q", h.page.Len(), h.descs())
	}
	h.click("Open Ada Lovelace")
	h.click("Put +44 20 7946 0958 on a speed-dial key")
	h.click("Speed dial 3 for")
	if to, ok, err := s.ResolveDial(ctx, "3"); err != nil || !ok || to != "+44 20 7946 0958" {
		t.Fatalf("slot 3: %q %v %v", to, ok, err)
	}
}
