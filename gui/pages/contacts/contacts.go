// Package contacts is the address book screen: a searchable list, each
// contact's numbers (tap to call), favourites, adding, editing and
// deleting, and the speed-dial slots. Everything is read from a Source off
// the frame goroutine and cached; the list loads a page at a time.
package contacts

import (
	"context"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/paged"
)

// Source is where the contacts come from: *store.Store in the app, a
// MemSource in tests and previews.
type Source interface {
	Contacts(ctx context.Context, q store.ContactQuery) ([]store.Contact, error)
	CountContacts(ctx context.Context, q store.ContactQuery) (int, error)
	ContactByID(ctx context.Context, id int64) (store.Contact, error)
	SaveContact(ctx context.Context, c *store.Contact) error
	DeleteContact(ctx context.Context, id int64) error
	SetFavourite(ctx context.Context, id int64, on bool) error
	SpeedDials(ctx context.Context) ([]store.SpeedDial, error)
	SetSpeedDial(ctx context.Context, d store.SpeedDial) error
	ClearSpeedDial(ctx context.Context, slot int) error
}

var _ Source = (*store.Store)(nil)

const (
	pageSize    = 200 // contacts per read
	prefetch    = 50  // read the next page this many rows before the end
	readTimeout = 10 * time.Second
	keypadSlots = 9 // slots offered on the keypad (1–9)
)

// view is what the page shows.
type view int

const (
	viewList view = iota
	viewDetail
	viewEdit
	viewSlots
)

// Page is the screen's state between frames.
type Page struct {
	// Shared with the loaders (e.Run goroutines), under mu.
	mu      sync.Mutex
	data    *paged.Loader[Source, store.Contact] // loaded, in name order
	slots   []store.SpeedDial
	detail  store.Contact  // the contact shown in viewDetail
	saveErr string         // why the form could not be saved
	saved   *store.Contact // the form was saved: show this
	blf     blfWatch

	// Frame goroutine only.
	view     view
	search   widget.Editor
	query    string
	list     widget.List
	rowBtns  map[int64]*rowButtons
	add      widget.Clickable
	showSlot widget.Clickable
	det      detailState
	form     form
	sd       slotsState
}

type rowButtons struct {
	open, star, pickup widget.Clickable
}

// New makes the page; it shows nothing until SetSource.
func New() *Page {
	p := &Page{rowBtns: map[int64]*rowButtons{}}
	p.search.SingleLine = true
	p.list.Axis = layout.Vertical
	p.det.list.Axis = layout.Vertical
	p.form.list.Axis = layout.Vertical
	p.sd.list.Axis = layout.Vertical
	p.data = paged.New(&p.mu, paged.Config[Source, store.Contact]{
		What: "Load contacts", PageSize: pageSize, Prefetch: prefetch, Timeout: readTimeout, Counted: true,
		First: func(limit int) paged.Read[Source, store.Contact] {
			q := store.ContactQuery{Search: p.query, Limit: limit}
			return func(ctx context.Context, s Source) (paged.Result[store.Contact], error) {
				cs, err := s.Contacts(ctx, q)
				var total int
				if err == nil {
					total, err = s.CountContacts(ctx, q)
				}
				var slots []store.SpeedDial
				if err == nil {
					slots, err = s.SpeedDials(ctx)
				}
				return paged.Result[store.Contact]{Items: cs, Total: total, Commit: func() error {
					p.slots = slots
					return nil
				}}, err
			}
		},
		Next: func(loaded []store.Contact, limit int) paged.Read[Source, store.Contact] {
			q := store.ContactQuery{Search: p.query, Limit: limit, Offset: len(loaded)}
			return func(ctx context.Context, s Source) (paged.Result[store.Contact], error) {
				cs, err := s.Contacts(ctx, q)
				return paged.Result[store.Contact]{Items: cs}, err
			}
		},
	})
	return p
}

// SetSource sets where contacts are read from and reloads.
func (p *Page) SetSource(s Source) {
	p.data.SetSource(s)
	p.watchChanged()
}

// Refresh reloads the list and the slots at the next frame (and the
// watched set: a contact may have gained or lost its busy lamp).
func (p *Page) Refresh() {
	p.data.Refresh()
	p.watchChanged()
}

// Len is how many contacts are loaded (for tests).
func (p *Page) Len() int { return p.data.Len() }

// update reloads when asked and reads the next page near the list's end.
func (p *Page) update(e *env.Env) {
	if p.data.Update(e) && p.view == viewList {
		p.data.More(e, p.list.Position, p.Len())
	}
}

// setQuery searches anew (older reads are dropped by the generation).
func (p *Page) setQuery(q string) {
	if q == p.query {
		return
	}
	p.query = q
	p.list.Position = layout.Position{}
	p.data.Clear()
}

// open shows a contact's detail, read fresh from the source.
func (p *Page) open(e *env.Env, c store.Contact) {
	p.mu.Lock()
	p.detail = c
	p.mu.Unlock()
	p.view = viewDetail
	p.det.reset()
	id := c.ID
	p.data.Do(e, "Open contact", func(ctx context.Context, s Source) error {
		fresh, err := s.ContactByID(ctx, id)
		if err != nil {
			return err
		}
		p.mu.Lock()
		if p.detail.ID == id {
			p.detail = fresh
		}
		p.mu.Unlock()
		return nil
	})
}

// slotOf is the speed-dial slot holding number, 0 if none.
func (p *Page) slotOf(number string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, d := range p.slots {
		if store.SameNumber(d.Number, number) {
			return d.Slot
		}
	}
	return 0
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(e)
	defer p.data.InvalidateIfStale(gtx)
	switch p.view {
	case viewDetail:
		return p.layoutDetail(gtx, e)
	case viewEdit:
		return p.layoutEdit(gtx, e)
	case viewSlots:
		return p.layoutSlots(gtx, e)
	}
	return p.layoutList(gtx, e)
}
