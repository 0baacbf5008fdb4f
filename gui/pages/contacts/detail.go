package contacts

import (
	"context"
	"fmt"
	"strings"

	"gioui.org/layout"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// detailState is the contact screen's widgets.
type detailState struct {
	list                  widget.List
	back, edit, del, star widget.Clickable
	pickup                widget.Clickable
	confirm, cancel       widget.Clickable
	confirming            bool
	nums                  []numButtons
	picking               int // number whose slot is being chosen, -1 none
	slotBtns              [keypadSlots]widget.Clickable
	unslot                widget.Clickable
}

type numButtons struct {
	call, slot widget.Clickable
}

func (d *detailState) reset() {
	d.confirming, d.picking = false, -1
}

// handleDetail reacts to the detail screen's buttons.
func (p *Page) handleDetail(gtx layout.Context, e *env.Env, c core.Contact) {
	d := &p.det
	if d.back.Clicked(gtx) {
		p.view = viewList
	}
	if d.star.Clicked(gtx) {
		p.toggleFavourite(e, c.ID, !c.Favourite)
	}
	if d.edit.Clicked(gtx) {
		p.setSaveErr("")
		p.form.start(c)
		p.view = viewEdit
	}
	if d.del.Clicked(gtx) {
		d.confirming = true
	}
	if d.cancel.Clicked(gtx) {
		d.confirming = false
	}
	if d.confirm.Clicked(gtx) {
		d.confirming = false
		p.view = viewList
		id := c.ID
		p.data.Do(e, "Delete contact", func(ctx context.Context, s core.Records) error {
			err := s.DeleteContact(ctx, id)
			p.Refresh()
			return err
		})
	}
	for len(d.nums) < len(c.Numbers) {
		d.nums = append(d.nums, numButtons{})
	}
	for i, n := range c.Numbers {
		if d.nums[i].call.Clicked(gtx) {
			to := n.Value
			e.Run("Call "+c.Name, func(ctx context.Context) error {
				_, err := e.Phone.Dial(ctx, to, core.DialOptions{HoldOthers: true})
				return err
			})
		}
		if d.nums[i].slot.Clicked(gtx) {
			if d.picking == i {
				d.picking = -1
			} else {
				d.picking = i
			}
		}
	}
	if d.picking >= 0 && d.picking < len(c.Numbers) {
		n := c.Numbers[d.picking]
		for k := range d.slotBtns {
			if d.slotBtns[k].Clicked(gtx) {
				d.picking = -1
				p.setSlot(e, core.SpeedDial{Slot: k + 1, Number: n.Value, ContactID: c.ID})
			}
		}
		if slot := p.slotOf(n.Value); d.unslot.Clicked(gtx) && slot > 0 {
			d.picking = -1
			p.clearSlot(e, slot)
		}
	}
}

func (p *Page) setSlot(e *env.Env, d core.SpeedDial) {
	p.data.Do(e, fmt.Sprintf("Speed dial %d", d.Slot), func(ctx context.Context, s core.Records) error {
		err := s.SetSpeedDial(ctx, d)
		p.Refresh()
		return err
	})
}

func (p *Page) clearSlot(e *env.Env, slot int) {
	p.data.Do(e, fmt.Sprintf("Clear speed dial %d", slot), func(ctx context.Context, s core.Records) error {
		err := s.ClearSpeedDial(ctx, slot)
		p.Refresh()
		return err
	})
}

// layoutDetail is one contact: its numbers (tap to call), speed dial,
// star, edit and delete.
func (p *Page) layoutDetail(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	p.mu.Lock()
	c := p.detail
	p.mu.Unlock()
	p.handleDetail(gtx, e, c)
	d := &p.det
	items := []layout.Widget{}
	for i, n := range c.Numbers {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutNumber(gtx, e, c, i, n) })
		if d.picking == i {
			items = append(items, func(gtx layout.Context) layout.Dimensions { return p.layoutSlotPicker(gtx, e, n) })
		}
	}
	if len(c.Numbers) == 0 {
		items = append(items, func(gtx layout.Context) layout.Dimensions {
			return layout.UniformInset(16).Layout(gtx, func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, "No number") })
		})
	}
	if c.BLF {
		p.pickup(gtx, e, &d.pickup, c)
		st := lamp(e.Model.Lamps, c)
		items = append(items,
			func(gtx layout.Context) layout.Dimensions { return widgets.SectionTitle(gtx, th, "Line") },
			func(gtx layout.Context) layout.Dimensions { return p.layoutLamp(gtx, e, c, st) })
	}
	if c.Note != "" {
		items = append(items,
			func(gtx layout.Context) layout.Dimensions { return widgets.SectionTitle(gtx, th, "Note") },
			func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Left: 16, Right: 16}.Layout(gtx, material.Body1(th.Theme, c.Note).Layout)
			})
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutDetailBar(gtx, e, c) }),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return material.List(th.Theme, &d.list).Layout(gtx, len(items), func(gtx layout.Context, i int) layout.Dimensions {
				return items[i](gtx)
			})
		}),
	)
}

func (p *Page) layoutDetailBar(gtx layout.Context, e *env.Env, c core.Contact) layout.Dimensions {
	th := e.Theme
	d := &p.det
	return layout.Inset{Top: 8, Bottom: 8, Left: 4, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		if d.confirming {
			return layout.Inset{Left: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Flexed(1, material.Body1(th.Theme, "Delete "+c.Name+"?").Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.TextButton(gtx, th, &d.confirm, "Delete", "Delete "+c.Name+" for good", th.Danger, th.OnColor)
					}),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.PlainButton(gtx, th, &d.cancel, "Cancel", "Keep "+c.Name)
					}),
				)
			})
		}
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.TintedIconButton(gtx, th, &d.back, icBack, "Back to the contacts", th.Fg)
			}),
			layout.Flexed(1, widgets.Title(th, c.Name).Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.star(gtx, e, &d.star, c) }),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.TintedIconButton(gtx, th, &d.edit, icEdit, "Edit "+c.Name, th.Fg)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.TintedIconButton(gtx, th, &d.del, icDelete, "Delete "+c.Name, th.Danger)
			}),
		)
	})
}

// layoutNumber is one number: tap to call; its speed-dial button.
func (p *Page) layoutNumber(gtx layout.Context, e *env.Env, c core.Contact, i int, n core.ContactNumber) layout.Dimensions {
	th := e.Theme
	b := &p.det.nums[i]
	slot := p.slotOf(n.Value)
	label := n.Label
	if label == "" {
		label = "number"
	}
	slotText, slotDesc := "Speed dial", "Put "+n.Value+" on a speed-dial key"
	if slot > 0 {
		slotText, slotDesc = fmt.Sprintf("Speed dial %d", slot), fmt.Sprintf("%s is on speed dial %d; change", n.Value, slot)
	}
	return widgets.TapRow(gtx, &b.call, fmt.Sprintf("Call %s %s %s", c.Name, label, n.Value),
		layout.Inset{Top: 10, Bottom: 10, Left: 16, Right: 8}, 16,
		func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, icCall, 22, th.Accept) },
		func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, n.Value)
			l.MaxLines = 1
			return widgets.TwoLines(gtx, th, l, label)
		},
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.PlainButton(gtx, th, &b.slot, slotText, slotDesc)
		}),
		layout.Rigid(layout.Spacer{Width: 8}.Layout),
	)
}

// layoutSlotPicker offers keys 1–9 for a number (a taken key is replaced).
func (p *Page) layoutSlotPicker(gtx layout.Context, e *env.Env, n core.ContactNumber) layout.Dimensions {
	th := e.Theme
	d := &p.det
	p.mu.Lock()
	taken := map[int]string{}
	for _, s := range p.slots {
		taken[s.Slot] = s.Label
		if taken[s.Slot] == "" {
			taken[s.Slot] = s.Number
		}
	}
	p.mu.Unlock()
	keys := make([]layout.FlexChild, 0, keypadSlots)
	for k := range keypadSlots {
		desc := fmt.Sprintf("Speed dial %d for %s", k+1, n.Value)
		bg, fg := th.Surface, th.Fg
		if who, ok := taken[k+1]; ok {
			desc += " (replaces " + who + ")"
			bg, fg = th.Bg, th.Muted
		}
		keys = append(keys, layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.TextButton(gtx, th, &d.slotBtns[k], fmt.Sprint(k+1), desc, bg, fg)
			})
		}))
	}
	hasSlot := p.slotOf(n.Value) > 0
	return layout.Inset{Left: 54, Bottom: 8, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return layout.Flex{}.Layout(gtx, keys...) }),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if !hasSlot {
					return layout.Dimensions{}
				}
				return layout.Inset{Top: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.PlainButton(gtx, th, &d.unslot, "Remove from speed dial", "Take "+n.Value+" off speed dial")
				})
			}),
		)
	})
}

// layoutLamp is a watched contact's line state (busy lamp) and, while it
// rings, Pick up.
func (p *Page) layoutLamp(gtx layout.Context, e *env.Env, c core.Contact, st core.BLFState) layout.Dimensions {
	th := e.Theme
	return layout.Inset{Left: 16, Right: 8, Top: 4, Bottom: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.UniformInset(5).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.BLFDot(gtx, th, st, 12)
				})
			}),
			layout.Rigid(layout.Spacer{Width: 16}.Layout),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				l := material.Body1(th.Theme, widgets.BLFLabel(st))
				l.MaxLines = 1
				return widgets.Described(gtx, c.Name+"'s line: "+strings.ToLower(widgets.BLFLabel(st)), func(gtx layout.Context) layout.Dimensions {
					return widgets.TwoLines(gtx, th, l, "busy lamp of "+core.WatchAddress(c))
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if st != core.BLFRinging {
					return layout.Dimensions{}
				}
				return pickupButton(gtx, e, &p.det.pickup, c)
			}),
		)
	})
}
