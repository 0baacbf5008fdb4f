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
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
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

func (f *dialPhone) Dial(to string, o core.DialOptions) (string, error) {
	f.mu.Lock()
	f.dials = append(f.dials, o.Account+"|"+to)
	f.mu.Unlock()
	return f.Phone.Dial(context.Background(), to, o)
}

type harness struct {
	*guitest.Harness
	page  *Page
	phone *dialPhone
}

func newHarness(t *testing.T, src Source) *harness {
	h := &harness{page: New(), phone: &dialPhone{Phone: guitest.NewPhone()}}
	h.Harness = guitest.NewPage(t, h.phone, theme.New(false, guitest.Shaper), image.Pt(400, 700), testNow,
		func(gtx layout.Context, e *env.Env) layout.Dimensions { return h.page.Layout(gtx, e) })
	if src != nil {
		h.page.SetSource(src)
	}
	h.frames(3)
	return h
}

func (h *harness) frames(n int) {
	for range n {
		h.Frame()
	}
}

// calls makes n entries, one every 10 minutes back from testNow: every
// fifth missed, odd ones outgoing.
func calls(n int) []store.Call {
	out := make([]store.Call, n)
	for i := range out {
		c := store.Call{CallID: fmt.Sprint("c", i), RemoteURI: fmt.Sprintf("sip:%d@pbx", i), Account: "work",
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

func TestHistoryPageWithoutSource(t *testing.T) {
	h := newHarness(t, nil)
	if !h.HasPrefix("The call history is not available") {
		t.Fatalf("%q", h.Texts())
	}
}

func TestHistoryPageLoadsLazilyAndScrolls10000(t *testing.T) {
	src := NewMemSource(calls(10000)...)
	h := newHarness(t, src)
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
	h := newHarness(t, NewMemSource(calls(300)...))
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
	src := NewMemSource(calls(5)...)
	h := newHarness(t, src)
	h.ClickPrefix("Delete this call from the history")
	if got, _ := src.History(context.Background(), store.HistoryQuery{}); len(got) != 4 || h.page.Len() != 4 {
		t.Fatalf("after deleting one: source %d, page %d", len(got), h.page.Len())
	}
	h.ClickPrefix("Delete all calls from the history")
	h.ClickPrefix("Keep the call history")
	if got, _ := src.History(context.Background(), store.HistoryQuery{}); len(got) != 4 {
		t.Fatal("cancel deleted")
	}
	h.ClickPrefix("Delete all calls from the history")
	h.ClickPrefix("Delete the whole call history")
	h.frames(2)
	if got, _ := src.History(context.Background(), store.HistoryQuery{}); len(got) != 0 || !h.HasPrefix("No calls yet") {
		t.Fatalf("after clear: %d left; %q", len(got), h.Texts())
	}
	if len(h.Errs) != 0 {
		t.Fatal(h.Errs)
	}
}

func TestHistoryPageMissedFilterAndSeen(t *testing.T) {
	src := NewMemSource(calls(20)...) // missed: 0, 5, 10 unseen; 15 seen
	h := newHarness(t, src)
	if h.page.Unseen() != 3 || !h.HasPrefix("Missed (3)") {
		t.Fatalf("unseen %d; %q", h.page.Unseen(), h.Texts())
	}
	h.ClickPrefix("Show missed calls only")
	if h.page.Len() != 4 {
		t.Fatalf("missed filter shows %d", h.page.Len())
	}
	h.Now = h.Now.Add(2 * seenDelay)
	h.frames(2)
	if n, _ := src.UnseenMissed(context.Background()); n != 0 || h.page.Unseen() != 0 {
		t.Fatalf("still unseen after being shown: %d", n)
	}
	h.ClickPrefix("Show all calls")
	if h.page.Len() != 20 {
		t.Fatalf("all: %d", h.page.Len())
	}
}

func TestHistoryPageReloadsWhenACallEnds(t *testing.T) {
	src := NewMemSource(calls(3)...)
	h := newHarness(t, src)
	// (The recorder writes the call as it starts; here it is written ended.)
	src.Add(store.Call{CallID: "new", RemoteURI: "sip:new@pbx", Direction: "outgoing", Started: h.Now, Ended: h.Now})
	h.phone.SetCalls(call.Info{ID: "new", State: call.Connected})
	h.frames(2)
	h.phone.SetCalls()
	h.frames(3)
	if h.page.Len() != 4 {
		t.Fatalf("%d entries after a call ended", h.page.Len())
	}
}

func TestHistoryPageReadsAStore(t *testing.T) {
	ctx := context.Background()
	s, err := store.OpenDir(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for i := range 3 {
		info := call.Info{ID: fmt.Sprint(i), Direction: call.Outgoing, Remote: call.Party{URI: fmt.Sprintf("sip:%d@pbx", i)},
			State: call.Ended, Started: testNow.Add(-time.Hour), EndedAt: testNow}
		if err := s.RecordCall(ctx, info); err != nil {
			t.Fatal(err)
		}
	}
	h := newHarness(t, s)
	if h.page.Len() != 3 || !h.HasPrefix("Outgoing call, sip:2@pbx") {
		t.Fatalf("%d; %q", h.page.Len(), h.Texts())
	}
}
