package dialpad_test

import (
	"context"
	"image"
	"strings"
	"sync"
	"testing"
	"time"

	"gioui.org/f32"
	"gioui.org/io/pointer"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/pages/dialpad"
	"github.com/softphone/softphone/gui/theme"
)

var now = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

// fakeSource answers the dialpad's record queries from memory and counts
// the searches; the other queries are not the dialpad's (nil: they
// panic).
type fakeSource struct {
	core.Records
	mu       sync.Mutex
	contacts []core.Contact
	recent   []core.HistoryEntry
	slots    map[int]string
	searches []string
}

func (f *fakeSource) SearchContacts(_ context.Context, text string, limit int) ([]core.Contact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searches = append(f.searches, text)
	var out []core.Contact
	for _, c := range f.contacts {
		match := false
		for _, w := range strings.Fields(strings.ToLower(c.Name)) {
			match = match || strings.HasPrefix(w, strings.ToLower(text))
		}
		for _, n := range c.Numbers {
			match = match || strings.HasPrefix(core.NormalizeNumber(n.Value), core.NormalizeNumber(text))
		}
		if match && len(out) < limit {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeSource) Recent(_ context.Context, limit int) ([]core.HistoryEntry, error) {
	return f.recent[:min(limit, len(f.recent))], nil
}

func (f *fakeSource) SpeedDial(_ context.Context, slot int) (core.SpeedDial, bool, error) {
	n, ok := f.slots[slot]
	return core.SpeedDial{Slot: slot, Number: n}, ok, nil
}

func (f *fakeSource) searched() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.searches...)
}

func newSource() *fakeSource {
	return &fakeSource{
		contacts: []core.Contact{
			{Name: "Bob Dupont", Numbers: []core.ContactNumber{{Value: "sip:bob@example.com"}}},
			{Name: "Carol Smith", Numbers: []core.ContactNumber{{Value: "sip:carol@example.com"}, {Value: "+33 6 12 34 56 78"}}},
		},
		recent: []core.HistoryEntry{
			{RemoteURI: "sip:carol@example.com", ContactName: "Carol Smith"},
			{RemoteURI: "sip:cafe@shop.example.org"},
			{RemoteURI: "sip:+33612000000@pbx.example.org", DisplayName: "Front desk"},
		},
		slots: map[int]string{2: "1002"},
	}
}

// noRecords is a phone without a store: every query fails.
type noRecords struct{ core.Records }

func (noRecords) SearchContacts(context.Context, string, int) ([]core.Contact, error) {
	return nil, core.ErrNoRecords
}

func (noRecords) Recent(context.Context, int) ([]core.HistoryEntry, error) {
	return nil, core.ErrNoRecords
}

func (noRecords) SpeedDial(context.Context, int) (core.SpeedDial, bool, error) {
	return core.SpeedDial{}, false, core.ErrNoRecords
}

// newScreen is a dialpad over a phone whose records are src (nil: none).
func newScreen(t *testing.T, src core.Records) (*guitest.Screen, *dialpad.Page) {
	p := dialpad.New()
	if src == nil {
		src = noRecords{}
	}
	s := guitest.NewScreen(t, theme.New(false, nil), image.Pt(400, 760), now, p.Layout)
	s.Phone.Records = src
	return s, p
}

// pause lets the debounce run out and the lookup's answer be drawn.
func pause(s *guitest.Screen) {
	for range 2 {
		s.Now = s.Now.Add(time.Second)
		s.Frame()
	}
	s.Frame()
}

func TestSuggestionsFromContactsAndHistory(t *testing.T) {
	src := newSource()
	s, p := newScreen(t, src)
	s.Type("ca")
	if _, ok := s.FindPart("Fill in Carol Smith"); ok {
		t.Error("suggestions before the user paused")
	}
	pause(s)
	s.ExpectPart("Fill in Carol Smith, sip:carol@example.com")
	s.ExpectPart("Fill in sip:cafe@shop.example.org") // recent, no name
	if _, ok := s.FindPart("Fill in Bob"); ok {
		t.Error("Bob suggested for ca")
	}
	// Carol's number is in the history too: listed once.
	n := 0
	for _, d := range s.Descriptions() {
		if strings.HasPrefix(d, "Fill in Carol Smith") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("Carol suggested %d times, want once", n)
	}
	s.ClickPart("Fill in Carol Smith")
	if got := p.Number.Text(); got != "sip:carol@example.com" {
		t.Errorf("field %q after tapping Carol, want her number", got)
	}
	s.Want() // filling in does not call
}

func TestSuggestionByNumberPicksTheMatchingNumber(t *testing.T) {
	s, _ := newScreen(t, newSource())
	s.Type("+33 6")
	pause(s)
	s.ExpectPart("Fill in Carol Smith, +33 6 12 34 56 78")
	s.ExpectPart("Fill in Front desk, sip:+33612000000@pbx.example.org")
	s.ClickPart("Call Front desk")
	s.Want("Dial sip:+33612000000@pbx.example.org")
}

func TestSuggestionsCachedPerText(t *testing.T) {
	src := newSource()
	s, p := newScreen(t, src)
	s.Type("c")
	pause(s)
	p.Number.SetText("ca")
	pause(s)
	s.ClickPart("Delete the last character")
	pause(s)
	s.ExpectPart("Fill in Carol Smith")
	if got := src.searched(); strings.Join(got, ",") != "c,ca" {
		t.Errorf("searches %q, want c then ca only (c again from the cache)", got)
	}
}

func TestNoRecordsNoSuggestions(t *testing.T) {
	s, _ := newScreen(t, nil)
	s.Type("ca")
	pause(s)
	if _, ok := s.FindPart("Fill in"); ok {
		t.Error("suggestions without records")
	}
}

// longPress holds the control described desc for d.
func longPress(s *guitest.Screen, desc string, d time.Duration) {
	s.T.Helper()
	b := s.Must(desc).Bounds
	pos := f32.Pt(float32(b.Min.X+b.Max.X)/2, float32(b.Min.Y+b.Max.Y)/2)
	s.Router.Queue(pointer.Event{Kind: pointer.Press, Source: pointer.Touch, Buttons: pointer.ButtonPrimary, Position: pos})
	s.Frame()
	s.Now = s.Now.Add(d)
	s.Router.Queue(pointer.Event{Kind: pointer.Release, Source: pointer.Touch, Buttons: pointer.ButtonPrimary, Position: pos})
	s.Frame()
	s.Frame()
}

func TestLongPressSpeedDial(t *testing.T) {
	s, p := newScreen(t, newSource())
	longPress(s, "Key 2, hold for speed dial", time.Second)
	s.Want("Dial 1002")
	if got := p.Number.Text(); got != "" {
		t.Errorf("field %q after speed dial, want empty", got)
	}
}

func TestLongPressEmptySlot(t *testing.T) {
	s, p := newScreen(t, newSource())
	longPress(s, "Key 3, hold for speed dial", time.Second)
	s.Want()
	if len(s.Errs) != 1 || !strings.Contains(s.Errs[0], "Speed dial 3") {
		t.Errorf("errors %q, want one about slot 3 being empty", s.Errs)
	}
	if got := p.Number.Text(); got != "" {
		t.Errorf("field %q, want empty", got)
	}
}

func TestShortPressTypesDigit(t *testing.T) {
	s, p := newScreen(t, newSource())
	longPress(s, "Key 2, hold for speed dial", 100*time.Millisecond)
	longPress(s, "Key 0, hold for +", time.Second)
	s.Want()
	if got := p.Number.Text(); got != "2+" {
		t.Errorf("field %q, want 2+", got)
	}
	// With something typed, holding a digit types it.
	longPress(s, "Key 5, hold for speed dial", time.Second)
	if got := p.Number.Text(); got != "2+5" {
		t.Errorf("field %q, want 2+5", got)
	}
}
