package incall

import (
	"image"

	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutShare lists the screens and windows the user can share.
func (p *Page) layoutShare(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	v := &p.video
	v.mu.Lock()
	devs, err, loading := shareableDevices(v.devs), v.devErr, v.devLoading
	v.mu.Unlock()
	v.shareRows = grow(v.shareRows, len(devs))

	note := ""
	switch {
	case len(devs) == 0 && loading:
		note = "Looking for screens and windows…"
	case len(devs) == 0 && err != nil:
		note = "The screens cannot be listed: " + err.Error()
	case len(devs) == 0:
		note = "There is no screen or window to share."
	}
	items := []layout.Widget{func(gtx layout.Context) layout.Dimensions {
		return widgets.SectionTitle(gtx, th, "Share")
	}}
	if note != "" {
		items = append(items, func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, note) })
	}
	for i, d := range devs {
		items = append(items, func(gtx layout.Context) layout.Dimensions {
			ic := p.ic.share
			what := "the window"
			if d.Kind == video.KindScreen {
				ic, what = p.ic.screen, "the screen"
			}
			return widgets.TapRow(gtx, &v.shareRows[i], "Share "+what+" "+d.Name, layout.Inset{Top: 10, Bottom: 10, Left: 4, Right: 8}, 12,
				func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, ic, 22, th.Muted) },
				func(gtx layout.Context) layout.Dimensions {
					l := material.Body1(th.Theme, d.Name)
					l.MaxLines = 1
					return l.Layout(gtx)
				})
		})
	}
	return layout.N.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		w := min(gtx.Constraints.Max.X, gtx.Dp(400))
		gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
		return layout.Stack{}.Layout(gtx,
			layout.Expanded(func(gtx layout.Context) layout.Dimensions {
				r := image.Rectangle{Max: gtx.Constraints.Min}
				paint.FillShape(gtx.Ops, th.Surface, clip.UniformRRect(r, gtx.Dp(16)).Op(gtx.Ops))
				return layout.Dimensions{Size: r.Max}
			}),
			layout.Stacked(func(gtx layout.Context) layout.Dimensions {
				return layout.UniformInset(unit.Dp(12)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return material.List(th.Theme, &v.shareList).Layout(gtx, len(items), func(gtx layout.Context, i int) layout.Dimensions {
						return items[i](gtx)
					})
				})
			}),
		)
	})
}
