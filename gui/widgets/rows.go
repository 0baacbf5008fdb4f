package widgets

import (
	"image/color"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/theme"
)

// The helpers of the list screens (history, contacts): small text
// buttons, section titles, muted lines and tappable rows.

// TextButton is a small rounded text button in colours bg and fg; desc is
// what a screen reader says.
func TextButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string, bg, fg color.NRGBA) layout.Dimensions {
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

// PlainButton is a TextButton in the surface colour.
func PlainButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string) layout.Dimensions {
	return TextButton(gtx, th, clk, label, desc, th.Surface, th.Fg)
}

// TintedIconButton is IconButton with the icon in fg.
func TintedIconButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, ic *widget.Icon, desc string, fg color.NRGBA) layout.Dimensions {
	b := material.IconButton(th.Theme, clk, ic, desc)
	b.Background, b.Color = color.NRGBA{}, fg
	b.Size, b.Inset = unit.Dp(22), layout.UniformInset(unit.Dp(9))
	return b.Layout(gtx)
}

// Icon draws ic size wide in fg.
func Icon(gtx layout.Context, ic *widget.Icon, size unit.Dp, fg color.NRGBA) layout.Dimensions {
	gtx.Constraints.Min.X, gtx.Constraints.Max.X = gtx.Dp(size), gtx.Dp(size)
	return ic.Layout(gtx, fg)
}

// Title is a screen's one-line title.
func Title(th *theme.Theme, s string) material.LabelStyle {
	l := material.H6(th.Theme, s)
	l.MaxLines, l.Font.Weight = 1, font.SemiBold
	return l
}

// SectionTitle is a muted title over a part of a list (a day, a count).
func SectionTitle(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	return layout.Inset{Top: 14, Bottom: 4, Left: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Body2(th.Theme, s)
		l.Color, l.Font.Weight = th.Muted, font.SemiBold
		return l.Layout(gtx)
	})
}

// Muted is a line of secondary text.
func Muted(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	l := material.Body2(th.Theme, s)
	l.Color, l.MaxLines = th.Muted, 1
	return l.Layout(gtx)
}

// Centred is a muted message in the middle of the area (an empty list).
func Centred(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Body1(th.Theme, s)
		l.Color = th.Muted
		return l.Layout(gtx)
	})
}

// TwoLines is title over a muted line.
func TwoLines(gtx layout.Context, th *theme.Theme, title material.LabelStyle, sub string) layout.Dimensions {
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(title.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return Muted(gtx, th, sub) }),
	)
}

// TapRow is a list row: a tappable area (clk, described desc unless
// empty) holding lead, a gap and body inset by in, then the trailing
// controls.
func TapRow(gtx layout.Context, clk *widget.Clickable, desc string, in layout.Inset, gap unit.Dp, lead, body layout.Widget, trailing ...layout.FlexChild) layout.Dimensions {
	tap := layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
		return material.Clickable(gtx, clk, func(gtx layout.Context) layout.Dimensions {
			if desc != "" {
				semantic.DescriptionOp(desc).Add(gtx.Ops)
			}
			return in.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Rigid(lead),
					layout.Rigid(layout.Spacer{Width: gap}.Layout),
					layout.Flexed(1, body),
				)
			})
		})
	})
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx, append([]layout.FlexChild{tap}, trailing...)...)
}
