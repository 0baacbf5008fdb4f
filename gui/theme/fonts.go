package theme

import (
	"fmt"

	"gioui.org/font"
	"gioui.org/font/opentype"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomedium"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

// Faces are the Go fonts the screens use: regular, medium, bold and mono.
// Parsing Gio's whole Go collection (twelve faces, italics and small caps
// included) was a tenth of the window's time to its first frame. Other
// scripts still come from the system's fonts.
func Faces() []font.FontFace {
	var faces []font.FontFace
	for _, ttf := range [][]byte{goregular.TTF, gomedium.TTF, gobold.TTF, gomono.TTF} {
		fs, err := opentype.ParseCollection(ttf)
		if err != nil || len(fs) == 0 {
			// Embedded, so a failure is a broken build, not bad input.
			panic(fmt.Sprintf("theme: Go font: %v", err))
		}
		faces = append(faces, fs[0])
	}
	return faces
}
