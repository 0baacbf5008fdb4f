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
	// Shared with the loaders (e.Run goroutines).
	mu      sync.Mutex
	src     Source
	calls   []store.Call // loaded entries, newest first
	version int          // bumps when calls changes
	gen     int          // bumps on reload: older reads are dropped
	loading bool
	done    bool // every entry of the filter is loaded
	stale   bool // reload from the top at the next frame
	unseen  int

	// Frame goroutine only.
	list       widget.List
	rows       []row
	rowsFor    int    // version the rows were built from
	rowsDay    string // and the day they were built on (Today/Yesterday move)
	rowsGen    int
	rowsCalls  []store.Call // the entries the rows index
	lastDay    int          // yyyymmdd of the last heading
	btns       map[int64]*rowButtons
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
	p := &Page{btns: map[int64]*rowButtons{}, rowsFor: -1}
	p.list.Axis = layout.Vertical
	return p
}

// SetSource sets where the history is read from and reloads it.
func (p *Page) SetSource(s Source) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.src = s
	p.calls, p.done, p.stale = nil, false, true
	p.gen++
	p.version++
}

// Refresh reloads the history at the next frame (after something else
// changed it).
func (p *Page) Refresh() {
	p.mu.Lock()
	p.stale = true
	p.mu.Unlock()
}

// Unseen is the number of missed calls not seen yet, for a badge.
func (p *Page) Unseen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.unseen
}

// Len is how many entries are loaded (for tests).
func (p *Page) Len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.calls)
}

// update handles the phone's calls changing and the list nearing its end.
func (p *Page) update(e *env.Env) {
	p.watchCalls(e)
	p.mu.Lock()
	src, stale := p.src, p.stale
	p.mu.Unlock()
	if src == nil {
		return
	}
	if stale {
		p.reload(e)
		return
	}
	pos := p.list.Position
	if pos.First+pos.Count+prefetch >= len(p.rows) {
		p.loadMore(e)
	}
}

// reload reads the first page again (as many entries as are loaded, so
// the list keeps its place).
func (p *Page) reload(e *env.Env) {
	p.mu.Lock()
	p.stale, p.loading = false, true
	p.gen++
	gen, src, missed := p.gen, p.src, p.missedOnly
	limit := max(pageSize, len(p.calls))
	p.mu.Unlock()
	e.Run("Load history", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		calls, err := src.History(ctx, store.HistoryQuery{Limit: limit, Missed: missed})
		unseen, uerr := src.UnseenMissed(ctx)
		p.mu.Lock()
		defer p.mu.Unlock()
		if gen != p.gen {
			return nil
		}
		p.loading = false
		if err != nil {
			return err
		}
		p.calls, p.done, p.unseen = calls, len(calls) < limit, unseen
		p.version++
		return uerr
	})
}

// loadMore reads the next older page, if any and if no read is running.
func (p *Page) loadMore(e *env.Env) {
	p.mu.Lock()
	if p.loading || p.done || p.src == nil {
		p.mu.Unlock()
		return
	}
	p.loading = true
	gen, src, missed := p.gen, p.src, p.missedOnly
	var before int64
	if n := len(p.calls); n > 0 {
		before = p.calls[n-1].ID
	}
	p.mu.Unlock()
	e.Run("Load history", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		calls, err := src.History(ctx, store.HistoryQuery{Limit: pageSize, Before: before, Missed: missed})
		p.mu.Lock()
		defer p.mu.Unlock()
		if gen != p.gen {
			return nil
		}
		p.loading = false
		if err != nil {
			return err
		}
		p.calls = append(p.calls, calls...)
		p.done = len(calls) < pageSize
		p.version++
		return nil
	})
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
	p.mu.Lock()
	src := p.src
	p.mu.Unlock()
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
