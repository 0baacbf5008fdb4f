// Package router decides which page the window shows, as Gio's component
// example does: a call ringing for us takes the window, a call in
// progress shows the in-call page unless the user left it (to add a
// call), else the tab the user chose. Pages do not know about each
// other; the router is the one place that moves between them.
package router

import (
	"gioui.org/layout"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
)

// Page is one screen of the window: it draws from e.Model and sends its
// commands through e.Run.
type Page interface {
	Layout(gtx layout.Context, e *env.Env) layout.Dimensions
}

// CallPage is the in-call page, which the user may leave for the tabs
// (to place another call) and come back to.
type CallPage interface {
	Page
	// Left says whether the user left the page for the tabs.
	Left() bool
	// Return shows the page again.
	Return()
}

// Tab is an index into Router.Tabs.
type Tab int

// Where says what the window shows.
type Where int

const (
	ShowTab       Where = iota // the chosen tab, no call in progress
	ShowRinging                // the incoming page
	ShowCall                   // the in-call page
	ShowTabInCall              // the chosen tab while the user left a call
)

// Router is the navigation state: the chosen tab and the calls already
// shown once.
type Router struct {
	Tab      Tab
	Tabs     []Page // by Tab
	Incoming Page
	InCall   CallPage

	seen map[string]bool // calls already shown once
}

// Update follows the frame's calls: a call that appears (dialled from the
// dialpad, answered) takes the screen even if the user had left the
// in-call page to add a call.
func (r *Router) Update(m env.Model) {
	if r.seen == nil {
		r.seen = map[string]bool{}
	}
	live := make(map[string]bool, len(m.Calls))
	for _, c := range m.Calls {
		live[c.ID] = true
		if !r.seen[c.ID] && c.State != call.Incoming {
			r.seen[c.ID] = true
			r.InCall.Return()
		}
	}
	for id := range r.seen {
		if !live[id] {
			delete(r.seen, id)
		}
	}
}

// Where says what shows for model m.
func (r *Router) Where(m env.Model) Where {
	if _, ok := m.Ringing(); ok {
		return ShowRinging
	}
	if _, ok := m.Active(); ok {
		if r.InCall.Left() {
			return ShowTabInCall
		}
		return ShowCall
	}
	return ShowTab
}

// Page is the page that shows for m.
func (r *Router) Page(m env.Model) Page {
	switch r.Where(m) {
	case ShowRinging:
		return r.Incoming
	case ShowCall:
		return r.InCall
	}
	return r.Current()
}

// Current is the chosen tab's page.
func (r *Router) Current() Page {
	if r.Tab < 0 || int(r.Tab) >= len(r.Tabs) {
		return r.Tabs[0]
	}
	return r.Tabs[r.Tab]
}
