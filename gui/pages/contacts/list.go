package contacts

import (
	"context"
	"fmt"
	"image"
	"strings"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutList is the search field, the Add and Speed dial buttons, and the
// virtualised list of contacts.
func (p *Page) layoutList(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	for {
		ev, ok := p.search.Update(gtx)
		if !ok {
			break
		}
		if _, changed := ev.(widget.ChangeEvent); changed {
			p.setQuery(strings.TrimSpace(p.search.Text()))
		}
	}
	if p.add.Clicked(gtx) {
		p.setSaveErr("")
		p.form.start(core.Contact{})
		p.view = viewEdit
	}
	if p.showSlot.Clicked(gtx) {
		p.view = viewSlots
		p.Refresh()
	}
	hasSrc := p.available()
	p.mu.Lock()
	contacts, total, loading := p.data.Items, p.data.Total, p.data.Loading
	p.mu.Unlock()
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 12, Bottom: 8, Left: 16, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, icSearch, 20, th.Muted) }),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
						return widgets.Described(gtx, "Search contacts", material.Editor(th.Theme, &p.search, "Search name or number").Layout)
					}),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.PlainButton(gtx, th, &p.showSlot, "Speed dial", "Show the speed-dial slots")
					}),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !hasSrc {
							return layout.Dimensions{}
						}
						return widgets.TextButton(gtx, th, &p.add, "Add", "Add a contact", th.ContrastBg, th.ContrastFg)
					}),
				)
			})
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			switch {
			case !hasSrc:
				return widgets.Centred(gtx, th, "Contacts are not available")
			case len(contacts) == 0 && loading:
				return widgets.Centred(gtx, th, "Loading…")
			case len(contacts) == 0 && p.query != "":
				return widgets.Centred(gtx, th, fmt.Sprintf("No contact matches %q", p.query))
			case len(contacts) == 0:
				return widgets.Centred(gtx, th, "No contacts yet — add one, or import a vCard file (softphone contacts import)")
			}
			return p.layoutRows(gtx, e, contacts, total)
		}),
	)
}

func (p *Page) layoutRows(gtx layout.Context, e *env.Env, contacts []core.Contact, total int) layout.Dimensions {
	th := e.Theme
	if len(p.rowBtns) > 4*pageSize {
		p.rowBtns = map[int64]*rowButtons{}
	}
	lamps := e.Model.Lamps
	return material.List(th.Theme, &p.list).Layout(gtx, len(contacts)+1, func(gtx layout.Context, i int) layout.Dimensions {
		if i == 0 {
			s := fmt.Sprintf("%d contacts", total)
			if total == 1 {
				s = "1 contact"
			}
			return widgets.SectionTitle(gtx, th, s)
		}
		c := contacts[i-1]
		return p.layoutRow(gtx, e, c, lamp(lamps, c))
	})
}

// layoutRow is one contact: tap to open, the star to (un)favourite; a
// watched one shows its busy lamp, and Pick up while it rings.
func (p *Page) layoutRow(gtx layout.Context, e *env.Env, c core.Contact, st core.BLFState) layout.Dimensions {
	th := e.Theme
	b := p.rowBtns[c.ID]
	if b == nil {
		b = &rowButtons{}
		p.rowBtns[c.ID] = b
	}
	if b.open.Clicked(gtx) {
		p.open(e, c)
	}
	if b.star.Clicked(gtx) {
		p.toggleFavourite(e, c.ID, !c.Favourite)
	}
	p.pickup(gtx, e, &b.pickup, c)
	first := ""
	if len(c.Numbers) > 0 {
		first = c.Numbers[0].Value
		if len(c.Numbers) > 1 {
			first += fmt.Sprintf(" (+%d)", len(c.Numbers)-1)
		}
	}
	desc := "Open " + c.Name
	if st != "" {
		first = widgets.BLFLabel(st) + " · " + first
		desc += ", line " + strings.ToLower(widgets.BLFLabel(st))
	}
	return widgets.TapRow(gtx, &b.open, desc, layout.Inset{Top: 8, Bottom: 8, Left: 16, Right: 8}, 16,
		func(gtx layout.Context) layout.Dimensions { return personWithLamp(gtx, e, st) },
		func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, c.Name)
			l.MaxLines, l.Font.Weight = 1, font.Medium
			return widgets.TwoLines(gtx, th, l, first)
		},
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if st != core.BLFRinging {
				return layout.Dimensions{}
			}
			return pickupButton(gtx, e, &b.pickup, c)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.star(gtx, e, &b.star, c) }),
	)
}

// personWithLamp is the person icon, with the busy lamp at its lower
// right when the contact is watched (st not "").
func personWithLamp(gtx layout.Context, e *env.Env, st core.BLFState) layout.Dimensions {
	th := e.Theme
	dims := widgets.Icon(gtx, icPerson, 24, th.Muted)
	if st == "" {
		return dims
	}
	// Over the icon's corner, in a ring of the background that keeps it
	// apart from the icon; the row keeps its size, so names stay aligned.
	ring := gtx.Dp(14)
	defer op.Offset(dims.Size.Sub(image.Pt(ring-gtx.Dp(2), ring-gtx.Dp(1)))).Push(gtx.Ops).Pop()
	widgets.Dot(gtx, th.Bg, 14)
	defer op.Offset(image.Pt(gtx.Dp(2), gtx.Dp(2))).Push(gtx.Ops).Pop()
	widgets.BLFDot(gtx, th, st, 10)
	return dims
}

// pickupButton answers the call ringing at c's extension.
func pickupButton(gtx layout.Context, e *env.Env, clk *widget.Clickable, c core.Contact) layout.Dimensions {
	th := e.Theme
	return layout.Inset{Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return widgets.TextButton(gtx, th, clk, "Pick up", "Pick up the call ringing at "+c.Name, th.Accept, th.OnColor)
	})
}

// star is the favourite toggle of c.
func (p *Page) star(gtx layout.Context, e *env.Env, clk *widget.Clickable, c core.Contact) layout.Dimensions {
	th := e.Theme
	if c.Favourite {
		return widgets.TintedIconButton(gtx, th, clk, icStar, "Remove "+c.Name+" from favourites", th.Warning)
	}
	return widgets.TintedIconButton(gtx, th, clk, icStarOff, "Add "+c.Name+" to favourites", th.Muted)
}

// toggleFavourite changes the star at once in what is shown, then in the
// phone's records.
func (p *Page) toggleFavourite(e *env.Env, id int64, on bool) {
	p.mu.Lock()
	for i, c := range p.data.Items {
		if c.ID == id {
			p.data.Items[i].Favourite = on
		}
	}
	if p.detail.ID == id {
		p.detail.Favourite = on
	}
	p.data.Version++
	p.mu.Unlock()
	p.data.Do(e, "Favourite", func(ctx context.Context, s core.Records) error {
		err := s.SetFavourite(ctx, id, on)
		if err != nil {
			p.Refresh()
		}
		return err
	})
}
