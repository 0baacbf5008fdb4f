package incall

import (
	"context"
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
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// callRow is the controls of one call in the list: the row itself (switch
// to the call), and for a conference leg, split and hang up.
type callRow struct {
	tap, split, hangup widget.Clickable
}

// row is the controls of call id, made on first sight and dropped when the
// call is gone.
func (p *Page) row(id string) *callRow {
	r, ok := p.rows[id]
	if !ok {
		r = new(callRow)
		p.rows[id] = r
	}
	return r
}

// updateCalls handles the list: tapping another call switches to it (the
// phone holds the others and resumes it); a conference leg splits off or
// hangs up on its own.
func (p *Page) updateCalls(gtx layout.Context, e *env.Env, cur call.Info, live []call.Info) {
	curLegs := conferenceOf(live, cur)
	for _, o := range live {
		r := p.row(o.ID)
		name, _ := widgets.Names(o.Remote)
		if r.split.Clicked(gtx) && inConference(live, o) {
			id := o.ID
			e.Run("Split "+name, func(ctx context.Context) error { return e.Phone.Split(ctx, id) })
		}
		if r.hangup.Clicked(gtx) {
			id := o.ID
			e.Run("Hang up "+name, func(ctx context.Context) error { return e.Phone.Hangup(id) })
		}
		if !r.tap.Clicked(gtx) || inCalls(curLegs, o.ID) {
			continue
		}
		p.selected = o.ID
		p.focus = true
		id := o.ID
		e.Run("Switch call", func(ctx context.Context) error { return e.Phone.SwitchTo(ctx, id) })
	}
	for id := range p.rows {
		if !inCalls(live, id) {
			delete(p.rows, id)
		}
	}
}

// rowStatus is a call's state and duration, for its row.
func rowStatus(c call.Info, gtx layout.Context) string {
	s := widgets.StateText(c)
	if d := widgets.Duration(c, gtx.Now); d != "" {
		s += " · " + d
	}
	return s
}

// layoutCalls is the compact list of every call: the shown one (or the
// shown conference's legs) highlighted, held calls in the warning colour,
// conference legs marked and with their own split and hang-up buttons.
func (p *Page) layoutCalls(gtx layout.Context, e *env.Env, live []call.Info, cur call.Info) layout.Dimensions {
	curLegs := conferenceOf(live, cur)
	children := make([]layout.FlexChild, 0, 2*len(live))
	for i, c := range live {
		if i > 0 {
			children = append(children, layout.Rigid(layout.Spacer{Height: 4}.Layout))
		}
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return p.layoutCallRow(gtx, e.Theme, c, inConference(live, c), inCalls(curLegs, c.ID))
		}))
	}
	gtx.Constraints.Min.X = gtx.Constraints.Max.X
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
}

func (p *Page) layoutCallRow(gtx layout.Context, th *theme.Theme, c call.Info, conf, sel bool) layout.Dimensions {
	r := p.row(c.ID)
	name, _ := widgets.Names(c.Remote)
	status := rowStatus(c, gtx)
	desc := name + ", " + status
	if conf {
		desc += ", in the conference"
	}
	if c.Recording != "" {
		desc += ", recording"
	}
	if sel {
		desc += ", shown"
	} else {
		desc = "Switch to " + desc
	}
	held := c.State == call.Held || c.State == call.RemoteHeld
	tap := layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
		return r.tap.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			semantic.Button.Add(gtx.Ops)
			semantic.SelectedOp(sel).Add(gtx.Ops)
			semantic.DescriptionOp(desc).Add(gtx.Ops)
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.Inset{Top: 8, Bottom: 8, Left: 10, Right: 10}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				ic, icCol := p.ic.inTalk, th.Accept
				switch {
				case held:
					ic, icCol = p.ic.paused, th.Warning
				case conf:
					ic, icCol = p.ic.group, th.ContrastBg
				case !c.Established():
					icCol = th.Muted
				}
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, ic, 20, icCol) }),
					layout.Rigid(layout.Spacer{Width: 8}.Layout),
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
						l := material.Label(th.Theme, unit.Sp(15), name)
						l.MaxLines = 1
						if sel {
							l.Font.Weight = font.Medium
						}
						return l.Layout(gtx)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if c.Recording == "" {
							return layout.Dimensions{}
						}
						return layout.Inset{Left: 6, Right: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Dot(gtx, th.Danger, 10)
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						shown := status
						if d := widgets.Duration(c, gtx.Now); c.State == call.Connected && d != "" {
							shown = d // the icon says it is connected; room for the name
						}
						l := material.Label(th.Theme, unit.Sp(13), shown)
						l.Color, l.MaxLines = th.Muted, 1
						if held {
							l.Color = th.Warning
						}
						return layout.Inset{Left: 6}.Layout(gtx, l.Layout)
					}),
				)
			})
		})
	})
	bg := th.Surface
	if r.tap.Hovered() && !sel {
		bg = widgets.Mix(bg, th.Fg, 0.06)
	}
	m := layout.Flex{Alignment: layout.Middle}
	dims := layout.Background{}.Layout(gtx,
		func(gtx layout.Context) layout.Dimensions {
			rr := image.Rectangle{Max: gtx.Constraints.Min}
			paint.FillShape(gtx.Ops, bg, clip.UniformRRect(rr, gtx.Dp(10)).Op(gtx.Ops))
			if sel || gtx.Focused(&r.tap) {
				paint.FillShape(gtx.Ops, th.ContrastBg, clip.Stroke{Path: clip.UniformRRect(rr, gtx.Dp(10)).Path(gtx.Ops), Width: float32(gtx.Dp(2))}.Op())
			}
			return layout.Dimensions{Size: rr.Max}
		},
		func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			if !conf {
				return m.Layout(gtx, tap)
			}
			return m.Layout(gtx, tap,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.TintedIconButton(gtx, th, &r.split, p.ic.split, "Split "+name+" from the conference", th.Fg)
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.TintedIconButton(gtx, th, &r.hangup, p.ic.hangup, "Hang up "+name, th.Danger)
				}),
				layout.Rigid(layout.Spacer{Width: 2}.Layout),
			)
		},
	)
	return dims
}
