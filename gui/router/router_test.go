package router_test

import (
	"testing"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/router"
)

// page is a page that draws nothing, known by its name.
type page string

func (page) Layout(gtx layout.Context, _ *env.Env) layout.Dimensions { return layout.Dimensions{} }

// callPage is the in-call page the user may leave.
type callPage struct {
	page
	left bool
}

func (p *callPage) Left() bool { return p.left }
func (p *callPage) Return()    { p.left = false }

func model(calls ...call.Info) env.Model {
	return env.Model{State: core.State{Calls: calls}}
}

func newRouter() (*router.Router, *callPage) {
	in := &callPage{page: "incall"}
	return &router.Router{Tabs: []router.Page{page("dialpad"), page("history")}, Incoming: page("incoming"), InCall: in}, in
}

func TestRouterPicksThePage(t *testing.T) {
	r, in := newRouter()
	talking := call.Info{ID: "a", State: call.Connected}
	ringing := call.Info{ID: "b", State: call.Incoming}
	r.Tab = 1
	for _, c := range []struct {
		name  string
		m     env.Model
		left  bool
		where router.Where
		page  router.Page
	}{
		{"idle", model(), false, router.ShowTab, page("history")},
		{"in a call", model(talking), false, router.ShowCall, in},
		{"left the call", model(talking), true, router.ShowTabInCall, page("history")},
		{"ringing", model(talking, ringing), false, router.ShowRinging, page("incoming")},
		{"ringing while away", model(talking, ringing), true, router.ShowRinging, page("incoming")},
	} {
		in.left = c.left
		if w := r.Where(c.m); w != c.where {
			t.Errorf("%s: where %d, want %d", c.name, w, c.where)
		}
		if p := r.Page(c.m); p != c.page {
			t.Errorf("%s: page %v, want %v", c.name, p, c.page)
		}
	}
}

// TestANewCallTakesTheScreen: a call that appears while the user left the
// in-call page (to add a call) shows that page again; one already seen
// does not.
func TestANewCallTakesTheScreen(t *testing.T) {
	r, in := newRouter()
	a := call.Info{ID: "a", State: call.Connected}
	r.Update(model(a))
	in.left = true
	r.Update(model(a))
	if !in.left {
		t.Fatal("a call already shown took the screen again")
	}
	r.Update(model(a, call.Info{ID: "b", State: call.Incoming}))
	if !in.left {
		t.Fatal("a ringing call took the in-call page (the incoming page has it)")
	}
	r.Update(model(a, call.Info{ID: "c", State: call.Dialing}))
	if in.left {
		t.Fatal("the new call did not take the screen")
	}
}
