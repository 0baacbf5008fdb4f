package incall

import (
	"image"

	"gioui.org/layout"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// EncryptionName is how the call's media protection is shown: "SRTP" or
// "DTLS-SRTP", and "" for plain or not yet agreed media, which get no
// mark at all (an absent lock says enough).
func EncryptionName(e string) string {
	switch e {
	case call.EncryptionSRTP:
		return "SRTP"
	case call.EncryptionDTLS:
		return "DTLS-SRTP"
	}
	return ""
}

// PathName is how the media's network path (media.Stats.Path) is shown:
// straight to the far end, through a NAT's mapping, or relayed by TURN.
// "" for a plain socket, where there is no choice to tell.
func PathName(p string) string {
	switch p {
	case "":
		return ""
	case "host":
		return "Direct"
	case "srflx", "prflx":
		return "Via NAT"
	case "relay":
		return "Via relay"
	}
	return p
}

// secureMark is the padlock and the scheme's name, or nil when the media
// is not encrypted. The padlock is the Material icon the page's other
// icons come from: the Go fonts the theme embeds have no lock glyph.
func secureMark(th *theme.Theme, lock *widget.Icon, enc string) layout.Widget {
	name := EncryptionName(enc)
	if name == "" {
		return nil
	}
	return func(gtx layout.Context) layout.Dimensions {
		return widgets.Described(gtx, "Audio encrypted with "+name, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					s := gtx.Sp(15)
					gtx.Constraints = layout.Exact(image.Pt(s, s))
					return lock.Layout(gtx, th.Accept)
				}),
				layout.Rigid(layout.Spacer{Width: 3}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(13), name)
					l.Color = th.Muted
					l.MaxLines = 1
					return l.Layout(gtx)
				}),
			)
		})
	}
}
