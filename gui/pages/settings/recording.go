package settings

import (
	"unicode"

	"gioui.org/layout"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// hasControl reports a control character, which no file name should hold
// (the config check refuses it too).
func hasControl(s string) bool {
	for _, r := range s {
		if unicode.IsControl(r) {
			return true
		}
	}
	return false
}

// layoutRecording is where recordings go and how their channels are laid
// out.
func (p *Page) layoutRecording(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	bad := hasControl(p.recDir.Text())
	return section(gtx, th, "Call recording", "Calls are recorded when you tap Record during a call", nil, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Label(gtx, th, 13, th.Muted, "Channels")
			}),
			widgets.VSpace(4),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return radio(gtx, th, &p.recCh, config.RecordSeparate, "Separate", "", "Record in separate channels: you left, the other side right")
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Left: 34}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, "Stereo: you on the left, the other side on the right")
				})
			}),
			widgets.VSpace(4),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return radio(gtx, th, &p.recCh, config.RecordMixed, "Mixed", "", "Record mixed: both sides in one channel")
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Left: 34}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.Label(gtx, th, 12, th.Muted, "Mono: both sides in one channel, half the size")
				})
			}),
			widgets.VSpace(12),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Label(gtx, th, 13, th.Muted, "Folder")
			}),
			widgets.VSpace(4),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "Recording folder", func(gtx layout.Context) layout.Dimensions {
					return widgets.TextBox(gtx, th, &p.recDir, "The data folder's recordings", bad, nil)
				})
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 4, Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					if bad {
						return widgets.ErrorLine(gtx, th, "The folder cannot hold control characters")
					}
					return widgets.Label(gtx, th, 12, th.Muted, "Recordings are WAV files. Leave empty for the default folder.")
				})
			}),
		)
	})
}
