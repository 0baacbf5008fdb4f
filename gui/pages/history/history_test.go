package history

import (
	"context"
	"fmt"
	"image"
	"sync"
	"testing"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
)

// frameBudgetScale loosens frame-time checks (see race_test.go).
var frameBudgetScale = 1

var testNow = time.Date(2025, time.March, 14, 15, 9, 0, 0, time.Local)

// dialPhone also notes the account of each dial.
type dialPhone struct {
	*guitest.Phone
	mu    sync.Mutex
	dials []string // account|to
}

func (f *dialPhone) Dial(ctx context.Context, to string, o core.DialOptions) (string, error) {
	f.mu.Lock()
	f.dials = append(f.dials, o.Account+"|"+to)
	f.mu.Unlock()
	return f.Phone.Dial(ctx, to, o)
}

type harness struct {
	*guitest.Harness
	page    *Page
	phone   *dialPhone
	journal *guitest.JournalPhone
	rec     *guitest.Records
}

// newHarness shows the page with a phone whose history is calls (newest
// first).
func newHarness(t *testing.T, calls ...core.HistoryEntry) *harness {
	rec := guitest.NewRecords()
	rec.AddCalls(calls...)
	return newHarnessOver(t, rec)
}

// newHarnessOver shows the page with a phone whose records are rec.
func newHarnessOver(t *testing.T, rec *guitest.Records) *harness {
	h := &harness{page: New(), phone: &dialPhone{Phone: guitest.NewPhone()}, rec: rec}
	h.phone.Records = rec
	h.journal = guitest.NewJournalPhone(h.phone, rec)
	h.Harness = guitest.NewPage(t, h.journal, theme.New(false, guitest.Shaper), image.Pt(400, 700), testNow,
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	h.frames(3)
	return h
}

// stored is the history the phone holds.
func (h *harness) stored() []core.HistoryEntry {
	h.T.Helper()
	calls, err := h.rec.History(context.Background(), core.HistoryQuery{})
	if err != nil {
		h.T.Fatal(err)
	}
	return calls
}

func (h *harness) frames(n int) {
	for range n {
		h.Frame()
	}
}

// calls makes n entries, one every 10 minutes back from testNow: every
// fifth missed, odd ones outgoing.
func calls(n int) []core.HistoryEntry {
	out := make([]core.HistoryEntry, n)
	for i := range out {
		c := core.HistoryEntry{CallID: fmt.Sprint("c", i), RemoteURI: fmt.Sprintf("sip:%d@pbx", i), Account: "work",
			Started: testNow.Add(-time.Duration(i) * 10 * time.Minute), State: "ended", Seen: true}
		c.Ended = c.Started.Add(time.Minute)
		switch {
		case i%5 == 0:
			c.Direction, c.Missed, c.Seen = "incoming", true, i > 10
		case i%2 == 1:
			c.Direction, c.Answered, c.Duration = "outgoing", c.Started, time.Minute
		default:
			c.Direction, c.Answered, c.Duration = "incoming", c.Started, time.Minute
		}
		if i == 1 {
			c.ContactName = "Ada Lovelace"
		}
		out[i] = c
	}
	return out
}

func TestHistoryPageWithoutRecords(t *testing.T) {
	rec := guitest.NewRecords()
	rec.SetErr(core.ErrNoRecords)
	h := newHarnessOver(t, rec)
	if !h.HasPrefix("The call history is not available") {
		t.Fatalf("%q", h.Texts())
	}
	if _, ok := h.FindPrefix("Delete all calls"); ok || len(h.Errs) != 0 {
		t.Fatalf("clear offered, or errors %q", h.Errs)
	}
}

func TestHistoryPageLoadsLazilyAndScrolls10000(t *testing.T) {
	h := newHarness(t, calls(10000)...)
	if n := h.page.Len(); n != pageSize {
		t.Fatalf("%d entries loaded at first, want one page of %d", n, pageSize)
	}
	var worst time.Duration
	for range 200 {
		// Fling to the end of what is loaded, as a long scroll would.
		h.page.list.Position.First = len(h.page.rows) - 1
		start := time.Now()
		h.Frame()
		worst = max(worst, time.Since(start))
		if h.page.Len() == 10000 {
			break
		}
	}
	if n := h.page.Len(); n != 10000 {
		t.Fatalf("%d entries after scrolling to the end", n)
	}
	start := time.Now()
	h.page.list.Position.First = 5000
	for range 60 {
		h.Frame()
	}
	per := time.Since(start) / 60
	t.Logf("10,000 entries: %v per frame (worst while loading %v)", per, worst)
	if per > 8*time.Millisecond*time.Duration(frameBudgetScale) {
		t.Errorf("a frame over 10,000 entries takes %v", per)
	}
}

func TestHistoryPageGroupsByDayAndTapCallsBack(t *testing.T) {
	h := newHarness(t, calls(300)...)
	for _, day := range []string{"Today", "Yesterday"} {
		found := false
		for _, r := range h.page.rows {
			found = found || r.day == day
		}
		if !found {
			t.Errorf("no %q heading", day)
		}
	}
	h.ClickPrefix("Outgoing call, Ada Lovelace")
	if len(h.phone.dials) != 1 || h.phone.dials[0] != "work|sip:1@pbx" {
		t.Fatalf("dials %q", h.phone.dials)
	}
}

func TestHistoryDayLabels(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{testNow.Add(-15 * time.Hour), "Today"},
		{testNow.Add(-16 * time.Hour), "Yesterday"},
		{testNow.AddDate(0, 0, -2), "Wednesday 12 March"},
		{testNow.AddDate(-1, 0, 0), "14 March 2024"},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.Local), "Wednesday 1 January"},
	} {
		if got := dayLabel(c.t, testNow); got != c.want {
			t.Errorf("dayLabel(%v) = %q, want %q", c.t, got, c.want)
		}
	}
	// Yesterday across a year boundary.
	if got := dayLabel(time.Date(2024, 12, 31, 23, 0, 0, 0, time.Local), time.Date(2025, 1, 1, 8, 0, 0, 0, time.Local)); got != "Yesterday" {
		t.Errorf("new year's day: %q", got)
	}
}

func TestHistoryPageDeleteOneAndAll(t *testing.T) {
	h := newHarness(t, calls(5)...)
	h.ClickPrefix("Delete this call from the history")
	if got := h.stored(); len(got) != 4 || h.page.Len() != 4 {
		t.Fatalf("after deleting one: records %d, page %d", len(got), h.page.Len())
	}
	h.ClickPrefix("Delete all calls from the history")
	h.ClickPrefix("Keep the call history")
	if got := h.stored(); len(got) != 4 {
		t.Fatal("cancel deleted")
	}
	h.ClickPrefix("Delete all calls from the history")
	h.ClickPrefix("Delete the whole call history")
	h.frames(2)
	if got := h.stored(); len(got) != 0 || !h.HasPrefix("No calls yet") {
		t.Fatalf("after clear: %d left; %q", len(got), h.Texts())
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

func TestHistoryPageMissedFilterAndSeen(t *testing.T) {
	h := newHarness(t, calls(20)...) // missed: 0, 5, 10 unseen; 15 seen
	if !h.HasPrefix("Missed (3)") {
		t.Fatalf("%q", h.Texts())
	}
	h.ClickPrefix("Show missed calls only")
	if h.page.Len() != 4 {
		t.Fatalf("missed filter shows %d", h.page.Len())
	}
	// Not at once: the page must have been shown a moment.
	if n, _ := h.rec.UnseenMissed(context.Background()); n != 3 {
		t.Fatalf("marked seen at once: %d unseen", n)
	}
	// Asked once, even while the phone's new count is on its way.
	h.journal.Late(true)
	h.Now = h.Now.Add(2 * seenDelay)
	h.frames(2)
	if n, _ := h.rec.UnseenMissed(context.Background()); n != 0 {
		t.Fatalf("still unseen after being shown: %d", n)
	}
	journal := h.rec.Journal()
	h.Now = h.Now.Add(2 * seenDelay)
	h.frames(2)
	if h.rec.Journal() != journal {
		t.Fatal("missed calls marked seen again")
	}
	h.journal.Late(false)
	h.frames(2)
	if h.HasPrefix("Missed (") {
		t.Fatalf("the count stays: %q", h.Texts())
	}
	h.ClickPrefix("Show all calls")
	if h.page.Len() != 20 {
		t.Fatalf("all: %d", h.page.Len())
	}
}

// TestHistoryPageReloadsWhenTheJournalChanges: a call the phone wrote to
// its history shows at the next frame, and nothing is read while the
// journal stands still.
func TestHistoryPageReloadsWhenTheJournalChanges(t *testing.T) {
	h := newHarness(t, calls(3)...)
	reads := h.page.data.Gen
	h.frames(5)
	if h.page.data.Gen != reads {
		t.Fatalf("%d reloads with nothing new", h.page.data.Gen-reads)
	}
	h.rec.AddCall(core.HistoryEntry{CallID: "new", RemoteURI: "sip:new@pbx", Direction: "outgoing", Started: h.Now, Ended: h.Now})
	h.frames(2)
	if h.page.Len() != 4 || !h.HasPrefix("Outgoing call, sip:new@pbx") {
		t.Fatalf("%d entries after a call ended; %q", h.page.Len(), h.Texts())
	}
}

// TestHistoryPageReadsTheRecordersEntries: entries as the recorder
// writes them (ids in order, newest first) are listed newest first.
func TestHistoryPageReadsTheRecordersEntries(t *testing.T) {
	rec := guitest.NewRecords()
	for i := range 3 {
		rec.AddCall(core.HistoryEntry{CallID: fmt.Sprint(i), Direction: "outgoing", RemoteURI: fmt.Sprintf("sip:%d@pbx", i),
			State: "ended", Started: testNow.Add(-time.Hour), Ended: testNow})
	}
	h := newHarnessOver(t, rec)
	if h.page.Len() != 3 || !h.HasPrefix("Outgoing call, sip:2@pbx") {
		t.Fatalf("%d; %q", h.page.Len(), h.Texts())
	}
}
