// Package theme holds the window's two palettes (light, dark) on top of
// Gio's material theme, with colours chosen for WCAG AA contrast.
package theme

import (
	"image/color"

	"gioui.org/text"
	"gioui.org/widget/material"
)

// Theme is the material theme plus the few colours the screens add.
type Theme struct {
	*material.Theme
	Dark    bool
	Surface color.NRGBA // cards, the dialpad keys
	Muted   color.NRGBA // secondary text
	Accept  color.NRGBA // call / answer (green)
	Danger  color.NRGBA // hang up / decline (red)
	OnColor color.NRGBA // text on Accept/Danger
	Warning color.NRGBA
}

// New makes the light or dark theme. The shaper is shared: building one
// loads the fonts, which is worth doing once per window.
func New(dark bool, shaper *text.Shaper) *Theme {
	if shaper == nil {
		shaper = NewShaper()
	}
	m := material.NewTheme()
	m.Shaper = shaper
	t := &Theme{Theme: m, Dark: dark}
	if dark {
		m.Palette = material.Palette{
			Bg: rgb(0x121212), Fg: rgb(0xECECEC),
			ContrastBg: rgb(0x90CAF9), ContrastFg: rgb(0x0D1B2A),
		}
		t.Surface, t.Muted = rgb(0x1F1F1F), rgb(0xB0B0B0)
		t.Accept, t.Danger, t.OnColor = rgb(0x66BB6A), rgb(0xEF9A9A), rgb(0x101010)
		t.Warning = rgb(0xFFCC80)
	} else {
		m.Palette = material.Palette{
			Bg: rgb(0xFFFFFF), Fg: rgb(0x1A1A1A),
			ContrastBg: rgb(0x1565C0), ContrastFg: rgb(0xFFFFFF),
		}
		t.Surface, t.Muted = rgb(0xF1F3F6), rgb(0x595959)
		t.Accept, t.Danger, t.OnColor = rgb(0x1B7F3B), rgb(0xC62828), rgb(0xFFFFFF)
		t.Warning = rgb(0x8A4B00)
	}
	return t
}

// NewShaper builds the text shaper with Faces (and the system's fonts for
// other scripts).
func NewShaper() *text.Shaper { return text.NewShaper(text.WithCollection(Faces())) }

func rgb(c uint32) color.NRGBA {
	return color.NRGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 0xFF}
}
