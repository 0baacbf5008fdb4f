// Package widgets holds the small drawing helpers the screens share:
// buttons, cards, labels, the list column, the call screens' avatar and
// round buttons, and the 12-key pad.
package widgets

import (
	"image"
	"image/color"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/theme"
)

var icWarning = MustIcon(icons.AlertWarning)

// MustIcon decodes a Material icon; the icons are compiled in, so an error
// is a programming error.
func MustIcon(data []byte) *widget.Icon {
	ic, err := widget.NewIcon(data)
	if err != nil {
		panic(err)
	}
	return ic
}

// MulAlpha scales c's alpha by a/255.
func MulAlpha(c color.NRGBA, a uint8) color.NRGBA {
	c.A = uint8(uint32(c.A) * uint32(a) / 0xFF)
	return c
}

// Mix blends a towards b by t (0..1), keeping a's alpha.
func Mix(a, b color.NRGBA, t float32) color.NRGBA {
	f := func(x, y uint8) uint8 { return uint8(float32(x)*(1-t) + float32(y)*t) }
	return color.NRGBA{R: f(a.R, b.R), G: f(a.G, b.G), B: f(a.B, b.B), A: a.A}
}

// Described lays out w in a clip area of its own that carries desc, so a
// screen reader (and a test) finds a text that is not a control.
func Described(gtx layout.Context, desc string, w layout.Widget) layout.Dimensions {
	m := op.Record(gtx.Ops)
	dims := w(gtx)
	call := m.Stop()
	defer clip.Rect{Max: dims.Size}.Push(gtx.Ops).Pop()
	semantic.DescriptionOp(desc).Add(gtx.Ops)
	call.Add(gtx.Ops)
	return dims
}

// Label is a label in colour c at size sp.
func Label(gtx layout.Context, th *theme.Theme, sp unit.Sp, c color.NRGBA, s string) layout.Dimensions {
	l := material.Label(th.Theme, sp, s)
	l.Color = c
	return l.Layout(gtx)
}

// Heading is a section or screen title.
func Heading(gtx layout.Context, th *theme.Theme, sp unit.Sp, s string) layout.Dimensions {
	l := material.Label(th.Theme, sp, s)
	l.Font.Weight = font.SemiBold
	return l.Layout(gtx)
}

// VSpace is a vertical gap.
func VSpace(dp unit.Dp) layout.FlexChild { return layout.Rigid(layout.Spacer{Height: dp}.Layout) }

// HSpace is a horizontal gap.
func HSpace(dp unit.Dp) layout.FlexChild { return layout.Rigid(layout.Spacer{Width: dp}.Layout) }

// Dot is a coloured disc, e.g. a state light.
func Dot(gtx layout.Context, c color.NRGBA, size unit.Dp) layout.Dimensions {
	s := gtx.Dp(size)
	r := image.Rectangle{Max: image.Pt(s, s)}
	paint.FillShape(gtx.Ops, c, clip.Ellipse(r).Op(gtx.Ops))
	return layout.Dimensions{Size: r.Max}
}

// Outline strokes a rounded rectangle of size sz.
func Outline(gtx layout.Context, sz image.Point, c color.NRGBA, radius unit.Dp) {
	rr := gtx.Dp(radius)
	w := float32(gtx.Dp(1))
	paint.FillShape(gtx.Ops, c, clip.Stroke{
		Path:  clip.UniformRRect(image.Rectangle{Max: sz}, rr).Path(gtx.Ops),
		Width: w,
	}.Op())
}

// Card draws w on a rounded surface, as wide as it may be.
func Card(gtx layout.Context, th *theme.Theme, w layout.Widget) layout.Dimensions {
	return layout.Background{}.Layout(gtx,
		func(gtx layout.Context) layout.Dimensions {
			sz := gtx.Constraints.Min
			paint.FillShape(gtx.Ops, th.Surface, clip.UniformRRect(image.Rectangle{Max: sz}, gtx.Dp(12)).Op(gtx.Ops))
			return layout.Dimensions{Size: sz}
		},
		func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.UniformInset(unit.Dp(16)).Layout(gtx, w)
		},
	)
}

// Badge is a small outlined tag, e.g. a transport or "Default".
func Badge(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	m := op.Record(gtx.Ops)
	dims := layout.Inset{Left: 6, Right: 6, Top: 2, Bottom: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Label(th.Theme, 11, s)
		l.Color, l.Font.Weight, l.MaxLines = th.Muted, font.SemiBold, 1
		return l.Layout(gtx)
	})
	call := m.Stop()
	Outline(gtx, dims.Size, MulAlpha(th.Muted, 0x90), 4)
	call.Add(gtx.Ops)
	return dims
}

// Column lays items out as a scrolling list, centred and at most maxW
// wide.
func Column(gtx layout.Context, th *theme.Theme, list *widget.List, maxW unit.Dp, items []layout.Widget) layout.Dimensions {
	list.Axis = layout.Vertical
	ls := material.List(th.Theme, list)
	return ls.Layout(gtx, len(items), func(gtx layout.Context, i int) layout.Dimensions {
		in := layout.Inset{Left: 16, Right: 16, Bottom: 12}
		if i == 0 {
			in.Top = 16
		}
		if i == len(items)-1 {
			in.Bottom = 24
		}
		return in.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			w := min(gtx.Constraints.Max.X, gtx.Dp(maxW))
			off := (gtx.Constraints.Max.X - w) / 2
			gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
			t := op.Offset(image.Pt(off, 0)).Push(gtx.Ops)
			dims := items[i](gtx)
			t.Pop()
			dims.Size.X += off
			return dims
		})
	})
}

// Switch is material.Switch with a thumb that stays visible when off in
// the dark theme.
func Switch(th *theme.Theme, b *widget.Bool, desc string) material.SwitchStyle {
	sw := material.Switch(th.Theme, b, desc)
	if th.Dark {
		sw.Color.Disabled = th.Fg
	}
	return sw
}

// TextBox is an outlined single-line editor, red when bad, with an
// optional trailing widget (a password's eye).
func TextBox(gtx layout.Context, th *theme.Theme, ed *widget.Editor, hint string, bad bool, trailing layout.Widget) layout.Dimensions {
	focused := gtx.Focused(ed)
	field := func(gtx layout.Context) layout.Dimensions {
		return layout.Inset{Left: 12, Right: 12, Top: 11, Bottom: 11}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			st := material.Editor(th.Theme, ed, hint)
			st.TextSize = 16
			st.HintColor = MulAlpha(th.Muted, 0xB0)
			return st.Layout(gtx)
		})
	}
	return layout.Stack{}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			sz := gtx.Constraints.Min
			rr := gtx.Dp(8)
			paint.FillShape(gtx.Ops, th.Bg, clip.UniformRRect(image.Rectangle{Max: sz}, rr).Op(gtx.Ops))
			c, w := MulAlpha(th.Fg, 0x60), gtx.Dp(1)
			switch {
			case bad:
				c, w = th.Danger, gtx.Dp(2)
			case focused:
				c, w = th.ContrastBg, gtx.Dp(2)
			}
			paint.FillShape(gtx.Ops, c, clip.Stroke{
				Path:  clip.UniformRRect(image.Rectangle{Max: sz}, rr).Path(gtx.Ops),
				Width: float32(w),
			}.Op())
			return layout.Dimensions{Size: sz}
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			gtx.Constraints.Min.Y = 0
			if trailing == nil {
				return field(gtx)
			}
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Flexed(1, field),
				layout.Rigid(trailing),
			)
		}),
	)
}

// ErrorLine is a message in the danger colour after a warning sign.
func ErrorLine(gtx layout.Context, th *theme.Theme, msg string) layout.Dimensions {
	return layout.Flex{}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Right: 4, Top: 1}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min.X = gtx.Dp(14)
				gtx.Constraints.Max.X = gtx.Dp(14)
				return icWarning.Layout(gtx, th.Danger)
			})
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return Label(gtx, th, 12, th.Danger, msg)
		}),
	)
}
