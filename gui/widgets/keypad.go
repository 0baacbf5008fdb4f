package widgets

import (
	"image"
	"image/color"

	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/theme"
)

// Key is a key of the 12-key phone pad.
type Key struct {
	Digit   string // what the key types or sends
	Letters string // printed under the digit
}

// Keys are the pad's keys in reading order, three to a row. The "+" under
// 0 is what the dial pad types when 0 is held.
var Keys = [12]Key{
	{"1", ""}, {"2", "ABC"}, {"3", "DEF"},
	{"4", "GHI"}, {"5", "JKL"}, {"6", "MNO"},
	{"7", "PQRS"}, {"8", "TUV"}, {"9", "WXYZ"},
	{"*", ""}, {"0", "+"}, {"#", ""},
}

// Pad lays out the 4×3 grid of keys; key draws key i of Keys.
func Pad(gtx layout.Context, key func(gtx layout.Context, i int) layout.Dimensions) layout.Dimensions {
	rows := make([]layout.FlexChild, 0, 4)
	for r := range 4 {
		rows = append(rows, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			cols := make([]layout.FlexChild, 0, 3)
			for c := range 3 {
				i := r*3 + c
				cols = append(cols, layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return layout.UniformInset(unit.Dp(4)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return key(gtx, i)
					})
				}))
			}
			return layout.Flex{}.Layout(gtx, cols...)
		}))
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx, rows...)
}

// KeyStyle is how PadKey draws a key.
type KeyStyle struct {
	Height      int                                  // in px
	Bg          func(gtx layout.Context) color.NRGBA // the tile's colour, by the key's state
	DigitSize   unit.Sp
	LetterSize  unit.Sp
	ShowLetters bool // false leaves the letters' line out
}

// PadKey draws key k as a rounded tile as wide as it may be, the digit
// over its letters; desc is what a screen reader says.
func PadKey(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, k Key, desc string, st KeyStyle) layout.Dimensions {
	return clk.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.Button.Add(gtx.Ops)
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		size := image.Pt(gtx.Constraints.Max.X, st.Height)
		rr := gtx.Dp(12)
		paint.FillShape(gtx.Ops, st.Bg(gtx), clip.UniformRRect(image.Rectangle{Max: size}, rr).Op(gtx.Ops))
		gtx.Constraints = layout.Exact(size)
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return material.Label(th.Theme, st.DigitSize, k.Digit).Layout(gtx)
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if !st.ShowLetters {
						return layout.Dimensions{}
					}
					l := material.Label(th.Theme, st.LetterSize, k.Letters)
					l.Color = th.Muted
					return l.Layout(gtx)
				}),
			)
		})
	})
}
