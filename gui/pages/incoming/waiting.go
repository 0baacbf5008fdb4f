package incoming

import (
	"image"
	"image/color"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutCurrent is the card of the calls already up while another rings
// (call waiting): who, in what state, for how long.
func (p *Page) layoutCurrent(gtx layout.Context, e *env.Env, current []call.Info) layout.Dimensions {
	th := e.Theme
	title := "Current call"
	if len(current) > 1 {
		title = "Current calls"
	}
	gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(400))
	children := make([]layout.FlexChild, 0, len(current)+1)
	children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
		l := material.Label(th.Theme, unit.Sp(12), title)
		l.Color, l.Font.Weight = th.Muted, font.SemiBold
		return l.Layout(gtx)
	}))
	for _, c := range current {
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return p.layoutCurrentRow(gtx, th, c)
			})
		}))
	}
	return layout.Background{}.Layout(gtx,
		func(gtx layout.Context) layout.Dimensions {
			r := image.Rectangle{Max: gtx.Constraints.Min}
			paint.FillShape(gtx.Ops, th.Surface, clip.UniformRRect(r, gtx.Dp(12)).Op(gtx.Ops))
			return layout.Dimensions{Size: r.Max}
		},
		func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.Inset{Top: 10, Bottom: 12, Left: 14, Right: 14}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
			})
		},
	)
}

func (p *Page) layoutCurrentRow(gtx layout.Context, th *theme.Theme, c call.Info) layout.Dimensions {
	name, _ := widgets.Names(c.Remote)
	status := widgets.StateText(c)
	if d := widgets.Duration(c, gtx.Now); d != "" {
		status += " · " + d
	}
	held := c.State == call.Held || c.State == call.RemoteHeld
	ic, col := p.icTalk, th.Accept
	if held {
		ic, col = p.icPaused, th.Warning
	}
	return widgets.Described(gtx, "Current call: "+name+", "+status, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, ic, 20, col) }),
			widgets.HSpace(8),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, unit.Sp(15), name)
				l.MaxLines, l.Font.Weight = 1, font.Medium
				return l.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, unit.Sp(13), status)
				l.MaxLines, l.Color = 1, th.Muted
				if held {
					l.Color = th.Warning
				}
				return layout.Inset{Left: 8}.Layout(gtx, l.Layout)
			}),
		)
	})
}

// layoutOrigin says who transferred the caller to us, if someone did.
func layoutOrigin(gtx layout.Context, th *theme.Theme, c call.Info) layout.Dimensions {
	if c.ReferredBy == "" {
		return layout.Dimensions{}
	}
	s := "Transferred by " + widgets.PartyName(c.ReferredBy)
	return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Body2(th.Theme, s)
		l.Color, l.Alignment, l.MaxLines = th.Muted, text.Middle, 1
		return widgets.Described(gtx, s, l.Layout)
	})
}

// tinted is a small rounded label on a pale wash of col.
func tinted(gtx layout.Context, th *theme.Theme, col color.NRGBA, s string) layout.Dimensions {
	return layout.Stack{Alignment: layout.Center}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			r := image.Rectangle{Max: gtx.Constraints.Min}
			paint.FillShape(gtx.Ops, widgets.MulAlpha(col, 0x30), clip.UniformRRect(r, r.Dy()/2).Op(gtx.Ops))
			return layout.Dimensions{Size: r.Max}
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4, Bottom: 4, Left: 12, Right: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Body2(th.Theme, s)
				l.Font.Weight = font.Medium
				return l.Layout(gtx)
			})
		}),
	)
}
