// Package history is the call history screen: missed, incoming and
// outgoing calls grouped by day, newest first; tap one to call back,
// delete one or all. Entries are read from a Source off the frame
// goroutine, a page at a time as the list scrolls, so 10,000 entries
// scroll as smoothly as ten.
package history

import (
	"context"
	"strings"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/paged"
)

// Source is where the history comes from: *store.Store in the app, a
// MemSource in tests and previews.
type Source interface {
	History(ctx context.Context, q store.HistoryQuery) ([]store.Call, error)
	CallByCallID(ctx context.Context, callID string) (store.Call, error)
	UnseenMissed(ctx context.Context) (int, error)
	MarkMissedSeen(ctx context.Context) error
	DeleteCall(ctx context.Context, id int64) error
	ClearHistory(ctx context.Context) error
}

var _ Source = (*store.Store)(nil)

// Loading tunables.
const (
	pageSize    = 200                     // entries per read
	prefetch    = 50                      // read the next page this many rows before the end
	readTimeout = 10 * time.Second        // one read or write of the source
	syncTimeout = 3 * time.Second         // how long to wait for the recorder to write a call
	syncPoll    = 50 * time.Millisecond   // how often to look meanwhile
	seenDelay   = 1500 * time.Millisecond // the page must be shown this long to count missed calls as seen
)

// Page is the screen's state between frames.
type Page struct {
	// OpenFolder shows a recording's folder (OpenFolder; nil hides the
	// button).
	OpenFolder func(dir string) error

	// Shared with the loaders (e.Run goroutines), under mu.
	mu     sync.Mutex
	data   *paged.Loader[Source, store.Call] // loaded entries, newest first
	unseen int

	// Frame goroutine only.
	list       widget.List
	rows       []row
	rowsFor    int    // version the rows were built from
	rowsDay    string // and the day they were built on (Today/Yesterday move)
	rowsGen    int
	rowsCalls  []store.Call // the entries the rows index
	lastDay    int          // yyyymmdd of the last heading
	btns       map[int64]*rowButtons
	recBtns    map[int64]*recButtons
	shownRec   map[int64]bool // entries whose recording's place is shown
	filterAll  widget.Clickable
	filterMiss widget.Clickable
	clearAll   widget.Clickable
	confirm    widget.Clickable
	cancel     widget.Clickable
	confirming bool
	missedOnly bool
	callsSig   string    // the phone's calls last frame, to notice changes
	shownSince time.Time // when the page was first drawn with unseen missed calls
}

// row is a day heading or a call.
type row struct {
	day  string
	call int // index in calls, -1 for a heading
}

type rowButtons struct {
	open, del widget.Clickable
}

// New makes the page; it shows nothing until SetSource.
func New() *Page {
	p := &Page{btns: map[int64]*rowButtons{}, recBtns: map[int64]*recButtons{}, shownRec: map[int64]bool{}, rowsFor: -1,
		OpenFolder: OpenFolder}
	p.list.Axis = layout.Vertical
	p.data = paged.New(&p.mu, paged.Config[Source, store.Call]{
		What: "Load history", PageSize: pageSize, Prefetch: prefetch, Timeout: readTimeout,
		First: func(limit int) paged.Read[Source, store.Call] {
			missed := p.missedOnly
			return func(ctx context.Context, src Source) (paged.Result[store.Call], error) {
				calls, err := src.History(ctx, store.HistoryQuery{Limit: limit, Missed: missed})
				unseen, uerr := src.UnseenMissed(ctx)
				return paged.Result[store.Call]{Items: calls, Commit: func() error {
					p.unseen = unseen
					return uerr
				}}, err
			}
		},
		Next: func(loaded []store.Call, limit int) paged.Read[Source, store.Call] {
			missed := p.missedOnly
			var before int64
			if n := len(loaded); n > 0 {
				before = loaded[n-1].ID
			}
			return func(ctx context.Context, src Source) (paged.Result[store.Call], error) {
				calls, err := src.History(ctx, store.HistoryQuery{Limit: limit, Before: before, Missed: missed})
				return paged.Result[store.Call]{Items: calls}, err
			}
		},
	})
	return p
}

// SetSource sets where the history is read from and reloads it.
func (p *Page) SetSource(s Source) { p.data.SetSource(s) }

// Refresh reloads the history at the next frame (after something else
// changed it).
func (p *Page) Refresh() { p.data.Refresh() }

// Unseen is the number of missed calls not seen yet, for a badge.
func (p *Page) Unseen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unseen
}

// Len is how many entries are loaded (for tests).
func (p *Page) Len() int { return p.data.Len() }

// update handles the phone's calls changing and the list nearing its end.
func (p *Page) update(e *env.Env) {
	p.watchCalls(e)
	if p.data.Update(e) {
		p.data.More(e, p.list.Position, len(p.rows))
	}
}

// watchCalls reloads once the recorder has written a call that started
// or ended (it writes off the frame goroutine too, so wait for it).
func (p *Page) watchCalls(e *env.Env) {
	var b strings.Builder
	for _, c := range e.Model.Calls {
		b.WriteString(c.ID + ":" + c.State.String() + ";")
	}
	sig := b.String()
	if sig == p.callsSig {
		return
	}
	before := p.callsSig
	p.callsSig = sig
	src := p.data.Source()
	if src == nil || before == "" && sig == "" {
		return
	}
	var ended, started []string
	for _, part := range strings.Split(before, ";") {
		if id, _, ok := strings.Cut(part, ":"); ok && !strings.Contains(sig, id+":") {
			ended = append(ended, id)
		}
	}
	for _, c := range e.Model.Calls {
		if !strings.Contains(before, c.ID+":") {
			started = append(started, c.ID)
		}
	}
	if len(ended) == 0 && len(started) == 0 {
		return // a state change of a call in progress
	}
	e.Run("Update history", func() error {
		waitRecorded(src, ended, started)
		p.Refresh()
		return nil
	})
}

// waitRecorded waits (bounded) until the ended calls are written as ended
// and the started ones are written at all.
func waitRecorded(src Source, ended, started []string) {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	tick := time.NewTicker(syncPoll)
	defer tick.Stop()
	for {
		ok := true
		for _, id := range ended {
			if c, err := src.CallByCallID(ctx, id); err != nil || c.Ongoing() {
				ok = false
			}
		}
		for _, id := range started {
			if _, err := src.CallByCallID(ctx, id); err != nil {
				ok = false
			}
		}
		if ok {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
