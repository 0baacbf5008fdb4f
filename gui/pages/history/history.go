// Package history is the call history screen: missed, incoming and
// outgoing calls grouped by day, newest first; tap one to call back,
// delete one or all. Entries are read from the phone's records off the
// frame goroutine, a page at a time as the list scrolls, so 10,000
// entries scroll as smoothly as ten; the list is read again when the
// phone's journal says it changed.
package history

import (
	"context"
	"errors"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/paged"
)

// Loading tunables.
const (
	pageSize    = 200                     // entries per read
	prefetch    = 50                      // read the next page this many rows before the end
	readTimeout = 10 * time.Second        // one read or write of the records
	seenDelay   = 1500 * time.Millisecond // the page must be shown this long to count missed calls as seen
)

// Page is the screen's state between frames.
type Page struct {
	// OpenFolder shows a recording's folder (OpenFolder; nil hides the
	// button).
	OpenFolder func(dir string) error

	// Shared with the loaders (e.Run goroutines), under mu.
	mu          sync.Mutex
	data        *paged.Loader[core.Records, core.HistoryEntry] // loaded entries, newest first
	unavailable bool                                           // the phone keeps no history

	// Frame goroutine only.
	list       widget.List
	rows       []row
	rowsFor    int    // version the rows were built from
	rowsDay    string // and the day they were built on (Today/Yesterday move)
	rowsGen    int
	rowsCalls  []core.HistoryEntry // the entries the rows index
	lastDay    int                 // yyyymmdd of the last heading
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
	src        core.Records // the phone read from
	journal    uint64       // the journal version the entries were read at
	seenAt     uint64       // the journal version missed calls were last marked seen at, +1 (0: never)
	shownSince time.Time    // when the page was first drawn with unseen missed calls
}

// row is a day heading or a call.
type row struct {
	day  string
	call int // index in calls, -1 for a heading
}

type rowButtons struct {
	open, del widget.Clickable
}

// New makes the page; it reads the phone it is drawn with.
func New() *Page {
	p := &Page{btns: map[int64]*rowButtons{}, recBtns: map[int64]*recButtons{}, shownRec: map[int64]bool{}, rowsFor: -1,
		OpenFolder: OpenFolder}
	p.list.Axis = layout.Vertical
	p.data = paged.New(&p.mu, paged.Config[core.Records, core.HistoryEntry]{
		What: "Load history", PageSize: pageSize, Prefetch: prefetch, Timeout: readTimeout,
		First: func(limit int) paged.Read[core.Records, core.HistoryEntry] {
			missed := p.missedOnly
			return func(ctx context.Context, src core.Records) (paged.Result[core.HistoryEntry], error) {
				calls, err := src.History(ctx, core.HistoryQuery{Limit: limit, Missed: missed})
				unavailable := errors.Is(err, core.ErrNoRecords)
				if unavailable {
					err = nil // said on the page, not as an error at every change
				}
				return paged.Result[core.HistoryEntry]{Items: calls, Commit: func() error {
					p.unavailable = unavailable
					return nil
				}}, err
			}
		},
		Next: func(loaded []core.HistoryEntry, limit int) paged.Read[core.Records, core.HistoryEntry] {
			missed := p.missedOnly
			var before int64
			if n := len(loaded); n > 0 {
				before = loaded[n-1].ID
			}
			return func(ctx context.Context, src core.Records) (paged.Result[core.HistoryEntry], error) {
				calls, err := src.History(ctx, core.HistoryQuery{Limit: limit, Before: before, Missed: missed})
				return paged.Result[core.HistoryEntry]{Items: calls}, err
			}
		},
	})
	return p
}

// Refresh reloads the history at the next frame (after something else
// changed it).
func (p *Page) Refresh() { p.data.Refresh() }

// Len is how many entries are loaded (for tests).
func (p *Page) Len() int { return p.data.Len() }

// update reads the phone's history again when the journal changed, and
// the next page when the list nears its end.
func (p *Page) update(e *env.Env) {
	switch {
	case e.Phone != p.src:
		p.src, p.journal = e.Phone, e.Model.Journal
		p.data.SetSource(e.Phone)
	case e.Model.Journal != p.journal:
		p.journal = e.Model.Journal
		p.data.Refresh()
	}
	if p.data.Update(e) {
		p.data.More(e, p.list.Position, len(p.rows))
	}
}

// available reports whether the phone keeps a history (as far as the last
// read knows).
func (p *Page) available() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.data.HasSource() && !p.unavailable
}
