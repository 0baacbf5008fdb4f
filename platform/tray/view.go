// Package tray puts the phone in the system tray (the status area): an
// icon and tooltip that tell its state, and a menu that sends intents
// back. It is a front-end like the window: what it shows is a function of
// the phone's State (ViewOf), and every decision stays in core.
package tray

import (
	"strings"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
)

// Icon is which picture the tray shows.
type Icon uint8

// The icons, one per state the user tells apart at a glance.
const (
	IconOffline    Icon = iota // no account, or one not registered (or failing)
	IconRegistered             // every account registered
	IconRinging                // a call rings
)

// The menu's fixed labels.
const (
	LabelShow    = "Show window"
	LabelDND     = "Do not disturb"
	LabelDecline = "Decline"
	LabelQuit    = "Quit"
)

// View is what the tray shows for one state.
type View struct {
	Icon    Icon
	Tooltip string
	DND     bool // the "Do not disturb" item is checked
	// Call is the ringing call the Answer and Decline items act on; ""
	// hides them.
	Call   string
	Answer string // the Answer item's label
}

// ViewOf is the tray's view of s.
func ViewOf(s core.State) View {
	v := View{DND: s.DND()}
	for _, c := range s.Calls {
		if c.State == call.Incoming {
			who := callerName(c)
			v.Icon, v.Call = IconRinging, c.ID
			v.Tooltip = "Incoming call from " + who
			v.Answer = "Answer " + who
			return v
		}
	}
	parts := make([]string, 0, len(s.Accounts))
	v.Icon = IconRegistered
	for _, a := range s.Accounts {
		parts = append(parts, a.Account+": "+a.State.String())
		if a.State != account.Registered {
			v.Icon = IconOffline
		}
	}
	if len(parts) == 0 {
		v.Icon = IconOffline
		parts = append(parts, "no account")
	}
	v.Tooltip = "Softphone — " + strings.Join(parts, ", ")
	if v.DND {
		v.Tooltip += " (do not disturb)"
	}
	return v
}

// callerName is who calls: the contact the phone found, else the SIP
// display name, else the address.
func callerName(c call.Info) string {
	for _, s := range []string{c.Contact, c.Remote.DisplayName} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return c.Remote.URI
}
