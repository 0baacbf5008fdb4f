// Package contacts is the address book screen: a searchable list, each
// contact's numbers (tap to call), favourites, adding, editing and
// deleting, and the speed-dial slots. Everything is read from the phone's
// records off the frame goroutine and cached; the list loads a page at a
// time. Watched contacts and keys show their busy lamps from the phone's
// state (the phone decides what it watches).
package contacts

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
	mu          sync.Mutex
	data        *paged.Loader[core.Records, core.Contact] // loaded, in name order
	slots       []core.SpeedDial
	detail      core.Contact  // the contact shown in viewDetail
	saveErr     string        // why the form could not be saved
	saved       *core.Contact // the form was saved: show this
	unavailable bool          // the phone keeps no contacts

	// Frame goroutine only.
	src      core.Records // the phone read from
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

// New makes the page; it reads the phone it is drawn with.
func New() *Page {
	p := &Page{rowBtns: map[int64]*rowButtons{}}
	p.search.SingleLine = true
	p.list.Axis = layout.Vertical
	p.det.list.Axis = layout.Vertical
	p.form.list.Axis = layout.Vertical
	p.sd.list.Axis = layout.Vertical
	p.data = paged.New(&p.mu, paged.Config[core.Records, core.Contact]{
		What: "Load contacts", PageSize: pageSize, Prefetch: prefetch, Timeout: readTimeout, Counted: true,
		First: func(limit int) paged.Read[core.Records, core.Contact] {
			q := core.ContactQuery{Search: p.query, Limit: limit}
			return func(ctx context.Context, s core.Records) (paged.Result[core.Contact], error) {
				cs, err := s.Contacts(ctx, q)
				unavailable := errors.Is(err, core.ErrNoRecords)
				if unavailable {
					err = nil // said on the page, not as an error at every change
				}
				var total int
				if err == nil && !unavailable {
					total, err = s.CountContacts(ctx, q)
				}
				var slots []core.SpeedDial
				if err == nil && !unavailable {
					slots, err = s.SpeedDials(ctx)
				}
				return paged.Result[core.Contact]{Items: cs, Total: total, Commit: func() error {
					p.slots, p.unavailable = slots, unavailable
					return nil
				}}, err
			}
		},
		Next: func(loaded []core.Contact, limit int) paged.Read[core.Records, core.Contact] {
			q := core.ContactQuery{Search: p.query, Limit: limit, Offset: len(loaded)}
			return func(ctx context.Context, s core.Records) (paged.Result[core.Contact], error) {
				cs, err := s.Contacts(ctx, q)
				return paged.Result[core.Contact]{Items: cs}, err
			}
		},
	})
	return p
}

// Refresh reloads the list and the slots at the next frame.
func (p *Page) Refresh() { p.data.Refresh() }

// Len is how many contacts are loaded (for tests).
func (p *Page) Len() int { return p.data.Len() }

// update reads the phone's contacts when first drawn or asked, and the
// next page near the list's end.
func (p *Page) update(e *env.Env) {
	if e.Phone != p.src {
		p.src = e.Phone
		p.data.SetSource(e.Phone)
	}
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

// available reports whether the phone keeps contacts (as far as the last
// read knows).
func (p *Page) available() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.data.HasSource() && !p.unavailable
}

// open shows a contact's detail, read fresh from the phone.
func (p *Page) open(e *env.Env, c core.Contact) {
	p.mu.Lock()
	p.detail = c
	p.mu.Unlock()
	p.view = viewDetail
	p.det.reset()
	id := c.ID
	p.data.Do(e, "Open contact", func(ctx context.Context, s core.Records) error {
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
		if core.SameNumber(d.Number, number) {
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
