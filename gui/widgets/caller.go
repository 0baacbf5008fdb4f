package widgets

import (
	"image"
	"strings"
	"unicode"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/theme"
)

// Avatar is a round badge (size px wide) with the caller's initials, or
// the person icon for a number.
func Avatar(gtx layout.Context, th *theme.Theme, person *widget.Icon, name string, size int) layout.Dimensions {
	r := image.Rectangle{Max: image.Pt(size, size)}
	bg := th.ContrastBg
	bg.A = 0x33
	paint.FillShape(gtx.Ops, bg, clip.Ellipse(r).Op(gtx.Ops))
	gtx.Constraints = layout.Exact(r.Max)
	return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		if in := Initials(name); in != "" {
			l := material.Label(th.Theme, unit.Sp(float32(gtx.Metric.PxToDp(size))*0.38), in)
			l.Color = th.ContrastBg
			if th.Dark {
				l.Color = th.Fg
			}
			l.Font.Weight = font.Medium
			return l.Layout(gtx)
		}
		s := size / 2
		gtx.Constraints = layout.Exact(image.Pt(s, s))
		c := th.ContrastBg
		if th.Dark {
			c = th.Fg
		}
		return person.Layout(gtx, c)
	})
}

// Names gives the name to show (display name, else the user part of the
// address) and the address line.
func Names(p call.Party) (name, uri string) {
	uri = strings.TrimSpace(p.URI)
	name = strings.TrimSpace(p.DisplayName)
	if name == "" {
		user := uri
		if i := strings.IndexByte(user, ':'); i >= 0 && !strings.ContainsAny(user[:i], "@.") {
			user = user[i+1:]
		}
		if i := strings.IndexAny(user, "@;"); i >= 0 {
			user = user[:i]
		}
		name = user
	}
	if name == "" {
		name = "Unknown caller"
	}
	return name, uri
}

// Initials are the first letters of the first two words, if the name has
// letters (a number gets none).
func Initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)[0]
		if !unicode.IsLetter(r) {
			continue
		}
		out = append(out, unicode.ToUpper(r))
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}
