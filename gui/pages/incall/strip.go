package incall

import (
	"image"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// chip is the clickable of a call in the strip, made on first sight and
// dropped when the call is gone.
func (p *Page) chip(id string) *widget.Clickable {
	b, ok := p.chips[id]
	if !ok {
		b = new(widget.Clickable)
		p.chips[id] = b
	}
	return b
}

// updateStrip switches calls: tapping another call holds the shown one
// (if it has audio going) and resumes the tapped one (if we held it).
func (p *Page) updateStrip(gtx layout.Context, e *env.Env, cur call.Info) {
	live := liveCalls(e.Model)
	seen := make(map[string]bool, len(live))
	for _, o := range live {
		seen[o.ID] = true
		b := p.chip(o.ID)
		if !b.Clicked(gtx) || o.ID == cur.ID {
			continue
		}
		p.selected = o.ID
		p.focus = true
		curID, holdCur := cur.ID, cur.State == call.Connected || cur.State == call.RemoteHeld
		id, resume := o.ID, o.LocalHold
		e.Run("Switch call", func() error {
			if holdCur {
				if err := e.Phone.Hold(curID); err != nil {
					return err
				}
			}
			if resume {
				return e.Phone.Resume(id)
			}
			return nil
		})
	}
	for id := range p.chips {
		if !seen[id] {
			delete(p.chips, id)
		}
	}
}

// layoutStrip shows every call: name, state, duration; the shown one is
// highlighted.
func (p *Page) layoutStrip(gtx layout.Context, e *env.Env, live []call.Info, current string) layout.Dimensions {
	th := e.Theme
	gap := gtx.Dp(8)
	w := gtx.Dp(172)
	if e.Size == env.Handset && len(live) == 2 {
		// Two calls share the width.
		w = (gtx.Constraints.Max.X - gap) / 2
	}
	item := func(gtx layout.Context, i int) layout.Dimensions {
		c := live[i]
		b := p.chip(c.ID)
		name, _ := widgets.Names(c.Remote)
		status := StateText(c)
		if d := Duration(c, gtx.Now); d != "" {
			status += " · " + d
		}
		sel := c.ID == current
		desc := name + ", " + status
		if sel {
			desc += ", shown"
		} else {
			desc = "Switch to " + desc
		}
		return b.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			semantic.Button.Add(gtx.Ops)
			semantic.SelectedOp(sel).Add(gtx.Ops)
			semantic.DescriptionOp(desc).Add(gtx.Ops)
			return layout.Stack{}.Layout(gtx,
				layout.Expanded(func(gtx layout.Context) layout.Dimensions {
					r := image.Rectangle{Max: gtx.Constraints.Min}
					rr := gtx.Dp(12)
					bg := th.Surface
					if b.Hovered() {
						bg = widgets.Mix(bg, th.Fg, 0.06)
					}
					paint.FillShape(gtx.Ops, bg, clip.UniformRRect(r, rr).Op(gtx.Ops))
					if sel || gtx.Focused(b) {
						paint.FillShape(gtx.Ops, th.ContrastBg, clip.Stroke{Path: clip.UniformRRect(r, rr).Path(gtx.Ops), Width: float32(gtx.Dp(2))}.Op())
					}
					return layout.Dimensions{Size: r.Max}
				}),
				layout.Stacked(func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
					return layout.Inset{Top: 8, Bottom: 8, Left: 10, Right: 10}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						ic, icCol := p.ic.inTalk, th.Accept
						if c.State == call.Held || c.State == call.RemoteHeld {
							ic, icCol = p.ic.paused, th.Warning
						} else if !c.Established() {
							icCol = th.Muted
						}
						return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								s := gtx.Dp(20)
								gtx.Constraints = layout.Exact(image.Pt(s, s))
								return ic.Layout(gtx, icCol)
							}),
							layout.Rigid(layout.Spacer{Width: 8}.Layout),
							layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
								return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
									layout.Rigid(func(gtx layout.Context) layout.Dimensions {
										l := material.Label(th.Theme, unit.Sp(15), name)
										l.MaxLines = 1
										if sel {
											l.Font.Weight = font.Medium
										}
										return l.Layout(gtx)
									}),
									layout.Rigid(func(gtx layout.Context) layout.Dimensions {
										l := material.Label(th.Theme, unit.Sp(13), status)
										l.Color = th.Muted
										l.MaxLines = 1
										return l.Layout(gtx)
									}),
								)
							}),
						)
					})
				}),
			)
		})
	}
	if total := len(live)*(w+gap) - gap; total <= gtx.Constraints.Max.X {
		// They fit: a centred row.
		children := make([]layout.FlexChild, 0, 2*len(live))
		for i := range live {
			if i > 0 {
				children = append(children, layout.Rigid(layout.Spacer{Width: unit.Dp(gtx.Metric.PxToDp(gap))}.Layout))
			}
			children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions { return item(gtx, i) }))
		}
		return layout.Flex{}.Layout(gtx, children...)
	}
	p.strip.Gap = gap
	return p.strip.Layout(gtx, len(live), item)
}
