package theme

import (
	"image/color"
	"math"
	"testing"
)

// linear is an sRGB channel (0..255) in linear light, per WCAG 2.x.
func linear(c uint8) float64 {
	s := float64(c) / 255
	if s <= 0.04045 {
		return s / 12.92
	}
	return math.Pow((s+0.055)/1.055, 2.4)
}

// luminance is the WCAG relative luminance of an opaque colour.
func luminance(c color.NRGBA) float64 {
	return 0.2126*linear(c.R) + 0.7152*linear(c.G) + 0.0722*linear(c.B)
}

// contrastRatio is WCAG's (L1 + 0.05) / (L2 + 0.05), lighter over darker.
func contrastRatio(a, b color.NRGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func TestContrastRatioKnownValues(t *testing.T) {
	black, white := rgb(0x000000), rgb(0xFFFFFF)
	for _, c := range []struct {
		a, b color.NRGBA
		want float64
	}{
		{black, white, 21},
		{white, white, 1},
		{rgb(0x777777), white, 4.48}, // the classic "just fails AA" grey
		{rgb(0x767676), white, 4.54},
	} {
		if got := contrastRatio(c.a, c.b); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast(%v, %v) = %.3f, want %.2f", c.a, c.b, got, c.want)
		}
	}
}

// TestPaletteContrast: every text/background pair the screens use meets
// WCAG 2.x AA for normal text (4.5:1) in both themes.
func TestPaletteContrast(t *testing.T) {
	const min = 4.5
	for _, dark := range []bool{false, true} {
		th := New(dark, nil)
		name := "light"
		if dark {
			name = "dark"
		}
		for _, p := range []struct {
			what   string
			fg, bg color.NRGBA
		}{
			{"Fg/Bg", th.Fg, th.Bg},
			{"Fg/Surface", th.Fg, th.Surface},
			{"Muted/Bg", th.Muted, th.Bg},
			{"Muted/Surface", th.Muted, th.Surface},
			{"ContrastFg/ContrastBg", th.ContrastFg, th.ContrastBg},
			{"OnColor/Accept", th.OnColor, th.Accept},
			{"OnColor/Danger", th.OnColor, th.Danger},
		} {
			for _, c := range []color.NRGBA{p.fg, p.bg} {
				if c.A != 0xFF {
					t.Errorf("%s %s: colour %v is not opaque", name, p.what, c)
				}
			}
			r := contrastRatio(p.fg, p.bg)
			t.Logf("%s %-22s %5.2f:1", name, p.what, r)
			if r < min {
				t.Errorf("%s theme: %s contrast %.2f:1 < %.1f:1", name, p.what, r, min)
			}
		}
	}
}
