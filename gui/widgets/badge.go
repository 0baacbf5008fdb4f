package widgets

import (
	"image"
	"image/color"
	"strconv"
	"strings"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/theme"
)

// CountBadge is a pill filled with bg holding a count in fg, size sp
// (unread messages): the message list and the navigation show it.
func CountBadge(gtx layout.Context, th *theme.Theme, n int, sp unit.Sp, bg, fg color.NRGBA) layout.Dimensions {
	s := strconv.Itoa(n)
	if n > 99 {
		s = "99+"
	}
	gtx.Constraints.Min = image.Point{}
	m := op.Record(gtx.Ops)
	dims := layout.Inset{Left: 6, Right: 6, Top: 1, Bottom: 1}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Label(th.Theme, sp, s)
		l.Color, l.Font.Weight, l.MaxLines = fg, font.Bold, 1
		return l.Layout(gtx)
	})
	call := m.Stop()
	sz := dims.Size
	if sz.X < sz.Y {
		sz.X = sz.Y // a disc for one digit
	}
	paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: sz}, sz.Y/2).Op(gtx.Ops))
	defer op.Offset(image.Pt((sz.X-dims.Size.X)/2, 0)).Push(gtx.Ops).Pop()
	call.Add(gtx.Ops)
	return layout.Dimensions{Size: sz, Baseline: dims.Baseline}
}

// ShortAddress is peer without its scheme and parameters: "bob@pbx".
func ShortAddress(peer string) string {
	s := strings.TrimSpace(peer)
	for _, scheme := range []string{"sip:", "sips:", "tel:"} {
		if len(s) > len(scheme) && strings.EqualFold(s[:len(scheme)], scheme) {
			s = s[len(scheme):]
			break
		}
	}
	s, _, _ = strings.Cut(s, ";")
	return s
}
