package gui

import (
	"image/color"
	"math"
	"testing"
)

// wcagContrast is the WCAG 2.x contrast ratio of two opaque colours.
func wcagContrast(a, b color.NRGBA) float64 {
	lin := func(c uint8) float64 {
		s := float64(c) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	lum := func(c color.NRGBA) float64 { return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B) }
	la, lb := lum(a), lum(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// over is fg with its alpha composited on an opaque bg.
func over(fg, bg color.NRGBA) color.NRGBA {
	a := float64(fg.A) / 255
	mix := func(f, b uint8) uint8 { return uint8(math.Round(float64(f)*a + float64(b)*(1-a))) }
	return color.NRGBA{R: mix(fg.R, bg.R), G: mix(fg.G, bg.G), B: mix(fg.B, bg.B), A: 0xFF}
}

// TestRootContrast checks the colour pairs Root itself draws (navigation
// items, the error bar) in both themes, against WCAG AA for text (4.5:1).
func TestRootContrast(t *testing.T) {
	for _, dark := range []bool{false, true} {
		th := testTheme(dark)
		for _, p := range []struct {
			what   string
			fg, bg color.NRGBA
		}{
			{"nav item", th.Fg, th.Surface},
			{"nav item, chosen", th.ContrastFg, th.ContrastBg},
			{"error bar", th.OnColor, th.Danger},
			{"screen text", th.Fg, th.Bg},
		} {
			if r := wcagContrast(over(p.fg, p.bg), p.bg); r < 4.5 {
				t.Errorf("%s theme: %s contrast %.2f:1 < 4.5:1", themeName(dark), p.what, r)
			}
		}
	}
}
