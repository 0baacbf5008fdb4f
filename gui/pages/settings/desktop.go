package settings

import (
	"gioui.org/layout"

	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutDesktop is the "Desktop" card: whether the phone opens when the
// user logs in. The page only edits the setting; the program makes the
// desktop follow it.
func (p *Page) layoutDesktop(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	const title = "Start at login"
	return section(gtx, th, "Desktop", "", nil, func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Label(gtx, th, 15, th.Fg, title)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Label(gtx, th, 12, th.Muted, "Opens the softphone when you log in to this computer")
					}),
				)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				sw := widgets.Switch(th, &p.login, title)
				return layout.Inset{Left: 12, Right: 4}.Layout(gtx, sw.Layout)
			}),
		)
	})
}
