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

// slotsState is the speed-dial screen's widgets.
type slotsState struct {
	list widget.List
	back widget.Clickable
	btns map[int]*slotButtons
}

type slotButtons struct {
	call, clear, pickup widget.Clickable
}

// shownSlots are keys 1–9, filled or not, then the filled higher ones.
func shownSlots(set []core.SpeedDial) []core.SpeedDial {
	out := make([]core.SpeedDial, keypadSlots)
	for i := range out {
		out[i].Slot = i + 1
	}
	for _, d := range set {
		if d.Slot <= keypadSlots {
			out[d.Slot-1] = d
		} else {
			out = append(out, d)
		}
	}
	return out
}

// layoutSlots lists the speed-dial slots: tap one to call it, clear it;
// slots are filled from a contact's numbers. The phone watches each
// filled key: its busy lamp shows, and Pick up while it rings.
func (p *Page) layoutSlots(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	s := &p.sd
	if s.btns == nil {
		s.btns = map[int]*slotButtons{}
	}
	if s.back.Clicked(gtx) {
		p.view = viewList
		return p.layoutList(gtx, e)
	}
	p.mu.Lock()
	slots := shownSlots(p.slots)
	p.mu.Unlock()
	lamps := e.Model.Lamps
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 8, Bottom: 8, Left: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.TintedIconButton(gtx, th, &s.back, icBack, "Back to the contacts", th.Fg)
					}),
					layout.Rigid(widgets.Title(th, "Speed dial").Layout),
				)
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Left: 16, Right: 16, Bottom: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Muted(gtx, th, "Hold a key on the dialpad, or run 'softphone call 2'. Set a key from a contact's number.")
			})
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return material.List(th.Theme, &s.list).Layout(gtx, len(slots), func(gtx layout.Context, i int) layout.Dimensions {
				return p.layoutSlot(gtx, e, slots[i], slotLamp(lamps, slots[i]))
			})
		}),
	)
}

// layoutSlot is one key, with its lamp st ("" for an empty key).
func (p *Page) layoutSlot(gtx layout.Context, e *env.Env, d core.SpeedDial, st core.BLFState) layout.Dimensions {
	th := e.Theme
	b := p.sd.btns[d.Slot]
	if b == nil {
		b = &slotButtons{}
		p.sd.btns[d.Slot] = b
	}
	if d.Number != "" {
		if b.call.Clicked(gtx) {
			to := d.Number
			e.Run(fmt.Sprintf("Speed dial %d", d.Slot), func(ctx context.Context) error {
				_, err := e.Phone.Dial(ctx, to, core.DialOptions{HoldOthers: true})
				return err
			})
		}
		if b.clear.Clicked(gtx) {
			p.clearSlot(e, d.Slot)
		}
	}
	name, detail := d.Label, d.Number
	if name == "" {
		name = d.Number
	}
	if d.Number == "" {
		name, detail = "Empty", "set it from a contact's number"
	}
	pickupAt(gtx, e, &b.pickup, name, slotAddress(d))
	desc := ""
	if d.Number != "" {
		desc = fmt.Sprintf("Call speed dial %d, %s", d.Slot, name)
	}
	if st != "" {
		detail = widgets.BLFLabel(st) + " · " + detail
		desc += ", line " + strings.ToLower(widgets.BLFLabel(st))
	}
	return widgets.TapRow(gtx, &b.call, desc, layout.Inset{Top: 8, Bottom: 8, Left: 16, Right: 8}, 12,
		func(gtx layout.Context) layout.Dimensions {
			// The key's digit, then its lamp; an empty key keeps the
			// lamp's room, so the names line up.
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X = gtx.Dp(28)
					l := material.H6(th.Theme, fmt.Sprint(d.Slot))
					l.Color = th.Muted
					return l.Layout(gtx)
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if st == "" {
						return layout.Spacer{Width: 10}.Layout(gtx)
					}
					return widgets.BLFDot(gtx, th, st, 10)
				}),
			)
		},
		func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, name)
			l.MaxLines = 1
			if d.Number == "" {
				l.Color = th.Muted
			}
			return widgets.TwoLines(gtx, th, l, detail)
		},
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if st != core.BLFRinging {
				return layout.Dimensions{}
			}
			return layout.Inset{Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.TextButton(gtx, th, &b.pickup, "Pick up", fmt.Sprintf("Pick up the call ringing at speed dial %d, %s", d.Slot, name), th.Accept, th.OnColor)
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if d.Number == "" {
				return layout.Dimensions{}
			}
			return widgets.TintedIconButton(gtx, th, &b.clear, icClear, fmt.Sprintf("Clear speed dial %d", d.Slot), th.Muted)
		}),
	)
}
