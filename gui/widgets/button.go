package widgets

import (
	"image"
	"image/color"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/theme"
)

// ButtonKind is a button's emphasis.
type ButtonKind int

const (
	Primary   ButtonKind = iota // filled with the accent colour
	Secondary                   // outlined
	Danger                      // filled red
	Flat                        // no background, accent text
)

// Button draws a button with an optional icon; desc is what a screen
// reader says.
func Button(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, ic *widget.Icon, label, desc string, kind ButtonKind) layout.Dimensions {
	var bg, fg color.NRGBA
	switch kind {
	case Primary:
		bg, fg = th.ContrastBg, th.ContrastFg
	case Danger:
		bg, fg = th.Danger, th.OnColor
	case Secondary, Flat:
		fg = th.ContrastBg
		if kind == Secondary && !th.Dark {
			fg = th.Fg
		}
	}
	if !gtx.Enabled() {
		fg = MulAlpha(fg, 0x80)
	}
	st := material.ButtonLayoutStyle{Background: bg, CornerRadius: unit.Dp(8), Button: clk}
	gtx.Constraints.Min.Y = max(gtx.Constraints.Min.Y, gtx.Dp(40))
	dims := st.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		in := layout.Inset{Top: 9, Bottom: 9, Left: 16, Right: 16}
		if ic != nil {
			in.Left = 12
		}
		return in.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if ic == nil {
						return layout.Dimensions{}
					}
					return layout.Inset{Right: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						gtx.Constraints.Min.X = gtx.Dp(18)
						gtx.Constraints.Max.X = gtx.Dp(18)
						return ic.Layout(gtx, fg)
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(15), label)
					l.Color, l.Font.Weight, l.MaxLines = fg, font.Medium, 1
					return l.Layout(gtx)
				}),
			)
		})
	})
	if kind == Secondary {
		Outline(gtx, dims.Size, MulAlpha(th.Fg, 0x50), 8)
	}
	return dims
}

// IconButton is a small round icon-only button.
func IconButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, ic *widget.Icon, desc string) layout.Dimensions {
	b := material.IconButton(th.Theme, clk, ic, desc)
	b.Background = color.NRGBA{}
	b.Color = th.Muted
	if !gtx.Enabled() {
		b.Color = MulAlpha(th.Muted, 0x60)
	}
	b.Size = unit.Dp(22)
	b.Inset = layout.UniformInset(unit.Dp(9))
	return b.Layout(gtx)
}

// RoundButton is a big round coloured button (size px wide) with an icon
// and a label under it; the whole is the touch target.
func RoundButton(gtx layout.Context, th *theme.Theme, btn *widget.Clickable, ic *widget.Icon, bg, fg color.NRGBA, size int, label, desc string) layout.Dimensions {
	return btn.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.Button.Add(gtx.Ops)
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		semantic.EnabledOp(gtx.Enabled()).Add(gtx.Ops)
		gtx.Constraints.Min.X = max(size+gtx.Dp(24), gtx.Dp(120))
		return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				c := bg
				switch {
				case !gtx.Enabled():
					c.A = 0x80
				case btn.Pressed():
					c = Mix(c, th.Fg, 0.25)
				case btn.Hovered() || gtx.Focused(btn):
					c = Mix(c, th.Fg, 0.12)
				}
				r := image.Rectangle{Max: image.Pt(size, size)}
				paint.FillShape(gtx.Ops, c, clip.Ellipse(r).Op(gtx.Ops))
				if gtx.Focused(btn) {
					ring := r.Inset(-gtx.Dp(4))
					paint.FillShape(gtx.Ops, th.ContrastBg, clip.Stroke{Path: clip.Ellipse(ring).Path(gtx.Ops), Width: float32(gtx.Dp(2))}.Op())
				}
				icSize := size * 4 / 9
				gtx.Constraints = layout.Exact(r.Max)
				return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints = layout.Exact(image.Pt(icSize, icSize))
					return ic.Layout(gtx, fg)
				})
			}),
			layout.Rigid(layout.Spacer{Height: 8}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Body1(th.Theme, label)
				l.Alignment = text.Middle
				l.Font.Weight = font.Medium
				if !gtx.Enabled() {
					l.Color = th.Muted
				}
				return l.Layout(gtx)
			}),
		)
	})
}

// PillButton is a flat rounded button on the surface colour with a label
// and a description.
func PillButton(gtx layout.Context, th *theme.Theme, btn *widget.Clickable, label, desc string) layout.Dimensions {
	bl := material.ButtonLayout(th.Theme, btn)
	bl.Background = th.Surface
	bl.CornerRadius = 20
	return bl.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		return layout.Inset{Top: 10, Bottom: 10, Left: 18, Right: 18}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, unit.Sp(15), label)
			l.Font.Weight = font.Medium
			return l.Layout(gtx)
		})
	})
}
