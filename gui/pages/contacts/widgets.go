package contacts

import (
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/widgets"
)

var (
	icStar    = widgets.MustIcon(icons.ToggleStar)
	icStarOff = widgets.MustIcon(icons.ToggleStarBorder)
	icBack    = widgets.MustIcon(icons.NavigationArrowBack)
	icCall    = widgets.MustIcon(icons.CommunicationCall)
	icDelete  = widgets.MustIcon(icons.ActionDelete)
	icEdit    = widgets.MustIcon(icons.EditorModeEdit)
	icClear   = widgets.MustIcon(icons.ContentClear)
	icSearch  = widgets.MustIcon(icons.ActionSearch)
	icPerson  = widgets.MustIcon(icons.SocialPerson)
)
