package store

import (
	"errors"
	"testing"
)

func addContact(t testing.TB, s *Store, name string, nums ...string) Contact {
	t.Helper()
	c := Contact{Name: name}
	for _, n := range nums {
		c.Numbers = append(c.Numbers, Number{Value: n})
	}
	if err := s.SaveContact(testCtx(t), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestContactSaveEditDelete(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	c := Contact{Name: " Ada Lovelace ", Note: "math", BLF: true, Numbers: []Number{
		{Label: "work", Value: "+44 20 7946 0958"},
		{Label: "dup", Value: "0044-20-7946-0958"}, // same number: dropped
		{Label: "sip", Value: "sip:ada@pbx"},
		{Value: "  "},
	}}
	if err := s.SaveContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	got, err := s.ContactByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Ada Lovelace" || !got.BLF || got.Note != "math" || len(got.Numbers) != 2 ||
		got.Numbers[0].Label != "work" || got.Numbers[1].Value != "sip:ada@pbx" {
		t.Fatalf("saved %+v", got)
	}
	got.Name = "Ada King"
	got.Numbers = got.Numbers[1:]
	if err := s.SaveContact(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if cs, _ := s.SearchContacts(ctx, "lovelace", 10); len(cs) != 0 {
		t.Fatalf("old name still found: %+v", cs)
	}
	if cs, _ := s.SearchContacts(ctx, "king", 10); len(cs) != 1 || len(cs[0].Numbers) != 1 {
		t.Fatalf("new name not found: %+v", cs)
	}
	if _, ok, _ := s.MatchNumber(ctx, "+442079460958"); ok {
		t.Fatal("a removed number still matches")
	}
	if err := s.SetFavourite(ctx, c.ID, true); err != nil {
		t.Fatal(err)
	}
	if favs, _ := s.Contacts(ctx, ContactQuery{Favourites: true}); len(favs) != 1 {
		t.Fatalf("favourites %+v", favs)
	}
	if err := s.DeleteContact(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ContactByID(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := s.DeleteContact(ctx, c.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if err := s.SaveContact(ctx, &Contact{}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty contact: %v", err)
	}
	nameless := Contact{Numbers: []Number{{Value: "100"}}}
	if err := s.SaveContact(ctx, &nameless); err != nil || nameless.Name != "100" {
		t.Fatalf("a contact with only a number is named by it: %+v %v", nameless, err)
	}
}

func TestContactSearch(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	addContact(t, s, "Ada Lovelace", "+44 20 7946 0958")
	addContact(t, s, "Alan Turing", "sip:alan@bletchley")
	addContact(t, s, "José Álvarez", "+34 600 123 456")
	addContact(t, s, "Grace Hopper", "+1 (555) 010-0199")
	for _, c := range []struct {
		q    string
		want []string
	}{
		{"", []string{"Ada Lovelace", "Alan Turing", "Grace Hopper", "José Álvarez"}},
		{"a", []string{"Ada Lovelace", "Alan Turing", "José Álvarez"}},
		{"AL", []string{"Alan Turing", "José Álvarez"}},
		{"jose", []string{"José Álvarez"}},
		{"alvarez jo", []string{"José Álvarez"}},
		{"tur", []string{"Alan Turing"}},
		{"alan@", []string{"Alan Turing"}},
		{"+44 20", []string{"Ada Lovelace"}},
		{"004420", []string{"Ada Lovelace"}},
		{"1555", []string{"Grace Hopper"}},
		{"(555)", nil},
		{"zzz", nil},
	} {
		cs, err := s.SearchContacts(ctx, c.q, 0)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, x := range cs {
			names = append(names, x.Name)
		}
		if len(names) != len(c.want) {
			t.Errorf("search %q: %q, want %q", c.q, names, c.want)
			continue
		}
		for i := range names {
			if names[i] != c.want[i] {
				t.Errorf("search %q: %q, want %q", c.q, names, c.want)
				break
			}
		}
	}
	if n, _ := s.CountContacts(ctx, ContactQuery{Search: "a"}); n != 3 {
		t.Fatalf("count %d", n)
	}
	page, _ := s.Contacts(ctx, ContactQuery{Limit: 2, Offset: 2})
	if len(page) != 2 || page[0].Name != "Grace Hopper" {
		t.Fatalf("second page %+v", page)
	}
}

func TestContactCallerIDMatching(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	addContact(t, s, "Ada", "+44 20 7946 0958")
	addContact(t, s, "Bob pbx", "sip:bob@pbx.example.com")
	addContact(t, s, "Bob other", "sip:bob@other.example.com")
	addContact(t, s, "Reception", "100")
	addContact(t, s, "Twin A", "+1 555 123 4567")
	addContact(t, s, "Twin B", "+7 555 123 4567")
	for _, c := range []struct{ in, want string }{
		{"sip:+442079460958@pbx;user=phone", "Ada"},
		{"tel:0044-20-7946-0958", "Ada"},
		{`"Unknown" <sip:02079460958@pbx>`, "Ada"}, // national form, by the last digits
		{"sip:bob@pbx.example.com", "Bob pbx"},
		{"sip:BOB@other.example.com;transport=tcp", "Bob other"},
		{"sip:100@pbx", "Reception"},
		{"sip:5551234567@pbx", ""}, // two contacts end that way: no guess
		{"sip:1000@pbx", ""},
		{"", ""},
	} {
		got, ok, err := s.MatchNumber(ctx, c.in)
		if err != nil {
			t.Fatal(err)
		}
		if (c.want == "") == ok || got.Name != c.want {
			t.Errorf("MatchNumber(%q) = %q %v, want %q", c.in, got.Name, ok, c.want)
		}
	}
}

func TestSpeedDialSlots(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	ada := addContact(t, s, "Ada", "+44 20 7946 0958")
	if err := s.SetSpeedDial(ctx, SpeedDial{Slot: 2, Number: "+44 20 7946 0958", ContactID: ada.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSpeedDial(ctx, SpeedDial{Slot: 12, Number: "sip:echo@pbx", Label: "Echo test"}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []SpeedDial{{Slot: 0, Number: "1"}, {Slot: MaxSlot + 1, Number: "1"}, {Slot: 3, Number: " "}} {
		if err := s.SetSpeedDial(ctx, bad); !errors.Is(err, ErrInvalid) {
			t.Fatalf("slot %+v: %v", bad, err)
		}
	}
	ds, err := s.SpeedDials(ctx)
	if err != nil || len(ds) != 2 || ds[0].Label != "Ada" || ds[1].Slot != 12 || ds[1].Label != "Echo test" {
		t.Fatalf("slots %+v %v", ds, err)
	}
	for _, c := range []struct {
		in, want string
		slot     bool
	}{
		{"2", "+44 20 7946 0958", true},
		{"12", "sip:echo@pbx", true},
		{"3", "3", false},
		{"02", "02", false},
		{"123", "123", false},
		{"sip:bob@pbx", "sip:bob@pbx", false},
	} {
		got, slot, err := s.ResolveDial(ctx, c.in)
		if err != nil || got != c.want || slot != c.slot {
			t.Errorf("ResolveDial(%q) = %q %v %v", c.in, got, slot, err)
		}
	}
	// Deleting the contact keeps the slot's number.
	if err := s.DeleteContact(ctx, ada.ID); err != nil {
		t.Fatal(err)
	}
	d, ok, err := s.SpeedDial(ctx, 2)
	if err != nil || !ok || d.Number != "+44 20 7946 0958" || d.ContactID != 0 {
		t.Fatalf("slot 2 after deleting its contact: %+v %v %v", d, ok, err)
	}
	if err := s.ClearSpeedDial(ctx, 2); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := s.SpeedDial(ctx, 2); ok {
		t.Fatal("slot 2 still set")
	}
}

func TestContactSearchSeesChangesFromAnotherProcess(t *testing.T) {
	dir := t.TempDir()
	ctx := testCtx(t)
	a, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	addContact(t, a, "Ada", "100")
	if cs, _ := a.SearchContacts(ctx, "ada", 0); len(cs) != 1 {
		t.Fatal("not found by its writer")
	}
	c := addContact(t, b, "Adam", "101") // the other handle (the CLI beside the GUI)
	if cs, _ := a.SearchContacts(ctx, "ada", 0); len(cs) != 2 {
		t.Fatalf("a stale index: %+v", cs)
	}
	c.Numbers = []Number{{Value: "555"}}
	if err := b.SaveContact(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if cs, _ := a.SearchContacts(ctx, "555", 0); len(cs) != 1 {
		t.Fatalf("a number change not seen: %+v", cs)
	}
	cs, _ := a.Contacts(ctx, ContactQuery{})
	cs[0].Numbers[0].Value = "changed" // results are copies
	if again, _ := a.Contacts(ctx, ContactQuery{}); again[0].Numbers[0].Value == "changed" {
		t.Fatal("a caller's change leaked into the index")
	}
}
