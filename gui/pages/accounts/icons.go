package accounts

import (
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/widgets"
)

var (
	icAdd    = widgets.MustIcon(icons.ContentAdd)
	icEdit   = widgets.MustIcon(icons.EditorModeEdit)
	icDelete = widgets.MustIcon(icons.ActionDelete)
	icRetry  = widgets.MustIcon(icons.NavigationRefresh)
	icBack   = widgets.MustIcon(icons.NavigationArrowBack)
	icShow   = widgets.MustIcon(icons.ActionVisibility)
	icHide   = widgets.MustIcon(icons.ActionVisibilityOff)
	icPhone  = widgets.MustIcon(icons.CommunicationPhone)
)
