package contacts

import (
	"image/color"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/theme"
)

var (
	icStar    = mustIcon(icons.ToggleStar)
	icStarOff = mustIcon(icons.ToggleStarBorder)
	icBack    = mustIcon(icons.NavigationArrowBack)
	icCall    = mustIcon(icons.CommunicationCall)
	icDelete  = mustIcon(icons.ActionDelete)
	icEdit    = mustIcon(icons.EditorModeEdit)
	icClear   = mustIcon(icons.ContentClear)
	icSearch  = mustIcon(icons.ActionSearch)
	icPerson  = mustIcon(icons.SocialPerson)
)

func mustIcon(data []byte) *widget.Icon {
	ic, err := widget.NewIcon(data)
	if err != nil {
		panic(err)
	}
	return ic
}

// button is a rounded text button; desc is what a screen reader says.
func button(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string, bg, fg color.NRGBA) layout.Dimensions {
	st := material.ButtonLayout(th.Theme, clk)
	st.Background, st.CornerRadius = bg, unit.Dp(16)
	return st.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		return layout.Inset{Top: 8, Bottom: 8, Left: 14, Right: 14}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, unit.Sp(14), label)
			l.Color, l.Font.Weight, l.MaxLines = fg, font.Medium, 1
			return l.Layout(gtx)
		})
	})
}

// plain is a button in the surface colour.
func plain(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string) layout.Dimensions {
	return button(gtx, th, clk, label, desc, th.Surface, th.Fg)
}

// iconButton is a round, transparent icon button.
func iconButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, ic *widget.Icon, desc string, fg color.NRGBA) layout.Dimensions {
	b := material.IconButton(th.Theme, clk, ic, desc)
	b.Background, b.Color = color.NRGBA{}, fg
	b.Size, b.Inset = unit.Dp(22), layout.UniformInset(unit.Dp(9))
	return b.Layout(gtx)
}

// heading is a section title.
func heading(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	return layout.Inset{Top: 14, Bottom: 4, Left: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Body2(th.Theme, s)
		l.Color, l.Font.Weight = th.Muted, font.SemiBold
		return l.Layout(gtx)
	})
}

// muted is secondary text.
func muted(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	l := material.Body2(th.Theme, s)
	l.Color, l.MaxLines = th.Muted, 1
	return l.Layout(gtx)
}

// centred shows a message in the middle of the area.
func centred(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Body1(th.Theme, s)
		l.Color = th.Muted
		return l.Layout(gtx)
	})
}

// icon draws ic at size dp in fg.
func icon(gtx layout.Context, ic *widget.Icon, size unit.Dp, fg color.NRGBA) layout.Dimensions {
	gtx.Constraints.Min.X, gtx.Constraints.Max.X = gtx.Dp(size), gtx.Dp(size)
	return ic.Layout(gtx, fg)
}

// described lays w out in a clip area of its own that carries desc, so a
// screen reader (and a test) finds a field by what it is for.
func described(gtx layout.Context, desc string, w layout.Widget) layout.Dimensions {
	m := op.Record(gtx.Ops)
	dims := w(gtx)
	c := m.Stop()
	defer clip.Rect{Max: dims.Size}.Push(gtx.Ops).Pop()
	semantic.DescriptionOp(desc).Add(gtx.Ops)
	c.Add(gtx.Ops)
	return dims
}
