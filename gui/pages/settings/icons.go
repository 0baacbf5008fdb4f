package settings

import (
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/widgets"
)

var (
	icRefresh = widgets.MustIcon(icons.NavigationRefresh)
	icUp      = widgets.MustIcon(icons.HardwareKeyboardArrowUp)
	icDown    = widgets.MustIcon(icons.HardwareKeyboardArrowDown)
	icMic     = widgets.MustIcon(icons.AVMic)
	icSpeaker = widgets.MustIcon(icons.AVVolumeUp)
	icCheck   = widgets.MustIcon(icons.NavigationCheck)
	icCamera  = widgets.MustIcon(icons.AVVideocam)
	icSize    = widgets.MustIcon(icons.ImagePhotoSizeSelectLarge)
)
