package incall

import (
	"image/color"
	"strings"

	"gioui.org/layout"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutKeypad is the digits sent so far over the 12-key pad.
func (p *Page) layoutKeypad(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(320))
	gtx.Constraints.Min.X = gtx.Constraints.Max.X
	keyH := gtx.Dp(56)
	// Fit the pad in the height there is (the phone's screen is short).
	display := gtx.Dp(40)
	if avail := (gtx.Constraints.Max.Y - display - gtx.Dp(8)) / 4; avail < keyH+gtx.Dp(8) {
		keyH = max(avail-gtx.Dp(8), gtx.Dp(40))
	}
	shown := p.digits
	if r := []rune(shown); len(r) > 18 {
		shown = "…" + string(r[len(r)-17:])
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.Y = display
			return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, unit.Sp(26), shown)
				if shown == "" {
					l = material.Body1(th.Theme, "Tones go to the other side")
					l.Color = th.Muted
				}
				l.Alignment = text.Middle
				l.MaxLines = 1
				return widgets.Described(gtx, "Tones sent: "+p.digits, l.Layout)
			})
		}),
		layout.Rigid(layout.Spacer{Height: 8}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Pad(gtx, func(gtx layout.Context, i int) layout.Dimensions {
				return p.layoutKey(gtx, e, i, keyH)
			})
		}),
	)
}

func (p *Page) layoutKey(gtx layout.Context, e *env.Env, i, h int) layout.Dimensions {
	th := e.Theme
	k := widgets.Keys[i]
	k.Letters = strings.TrimPrefix(k.Letters, "+") // no + in a call: holding 0 sends 0
	b := &p.keys[i]
	return widgets.PadKey(gtx, th, b, k, "Send tone "+k.Digit, widgets.KeyStyle{
		Height: h,
		Bg: func(gtx layout.Context) color.NRGBA {
			switch {
			case b.Pressed():
				return widgets.Mix(th.Surface, th.ContrastBg, 0.35)
			case b.Hovered() || gtx.Focused(b):
				return widgets.Mix(th.Surface, th.ContrastBg, 0.15)
			}
			return th.Surface
		},
		DigitSize:   24,
		LetterSize:  10,
		ShowLetters: k.Letters != "" && h >= gtx.Dp(52),
	})
}
