package gui

import (
	"context"
	"image"
	"strconv"
	"sync"
	"time"

	"gioui.org/io/key"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/pages/accounts"
	"github.com/softphone/softphone/gui/pages/contacts"
	"github.com/softphone/softphone/gui/pages/dialpad"
	"github.com/softphone/softphone/gui/pages/history"
	"github.com/softphone/softphone/gui/pages/incall"
	"github.com/softphone/softphone/gui/pages/incoming"
	"github.com/softphone/softphone/gui/pages/messages"
	"github.com/softphone/softphone/gui/pages/settings"
	"github.com/softphone/softphone/gui/router"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// The screens the navigation bar reaches, in its order (indexes into
// Router.Tabs).
const (
	TabDialpad router.Tab = iota
	TabHistory
	TabContacts
	TabMessages
	TabAccounts
	TabSettings
	tabCount
)

var tabNames = [tabCount]string{"Dialpad", "History", "Contacts", "Messages", "Accounts", "Settings"}

// Root is the window's content: it reads the phone's state once per
// frame, lets the router pick the page, and draws the navigation and the
// last command error around it.
type Root struct {
	Phone core.Phone
	Theme *theme.Theme

	// Router owns the navigation; its Tabs are the pages below.
	Router   router.Router
	nav      [tabCount]widget.Clickable
	Dialpad  *dialpad.Page
	History  *history.Page
	Contacts *contacts.Page
	Messages *messages.Page
	Accounts *accounts.Page
	Settings *settings.Page
	Incoming *incoming.Page
	InCall   *incall.Page

	// Invalidate asks for a new frame (set by the window before the first
	// command runs).
	Invalidate func()
	// Fullscreen, if set, makes the window fill the screen or not (the
	// in-call page's full-screen video).
	Fullscreen func(on bool)

	queue      *env.Queue
	model      env.Model // the last frame's (read on the frame goroutine only)
	backToCall widget.Clickable
	onDialpad  bool // the dialpad was on screen in the last frame

	mu      sync.Mutex // guards errText and errAt, written by the command queue
	errText string
	errAt   time.Time
}

// NewRoot builds every screen once; its commands run on one queue until
// ctx ends (the window's lifetime).
func NewRoot(ctx context.Context, p core.Phone, th *theme.Theme) *Root {
	r := &Root{
		Phone: p, Theme: th,
		Dialpad: dialpad.New(), History: history.New(), Contacts: contacts.New(), Messages: messages.New(),
		Accounts: accounts.New(), Settings: settings.New(),
		Incoming: incoming.New(), InCall: incall.New(),
		Invalidate: func() {},
	}
	r.Router = router.Router{
		Tabs:     []router.Page{r.Dialpad, r.History, r.Contacts, r.Messages, r.Accounts, r.Settings},
		Incoming: r.Incoming,
		InCall:   r.InCall,
	}
	r.queue = env.NewQueue(ctx, r.done)
	return r
}

// done takes a command's outcome (on the queue's goroutine): its error
// shows, and the next frame draws what the command changed.
func (r *Root) done(what string, err error) {
	if err != nil {
		r.showError(what, err)
	}
	r.Invalidate()
}

// showError shows err for a few seconds, under what failed.
func (r *Root) showError(what string, err error) {
	r.mu.Lock()
	r.errText, r.errAt = what+": "+err.Error(), time.Now()
	r.mu.Unlock()
}

// Model is what the last frame drew from (on the frame goroutine).
func (r *Root) Model() env.Model { return r.model }

// Layout draws one frame.
func (r *Root) Layout(gtx layout.Context) layout.Dimensions {
	// One read of the phone per frame: every page draws the same moment.
	e := &env.Env{
		Theme: r.Theme,
		Phone: r.Phone,
		Run:   r.queue.Run,
		Size:  env.SizeOf(gtx),
		Model: env.Model{State: r.Phone.State(), Now: gtx.Now},
		// Through r, so a hook set after the first frame still counts.
		Invalidate: func() { r.Invalidate() },
		Fullscreen: r.Fullscreen,
	}
	r.model = e.Model
	r.update(gtx, e)
	if r.Router.Where(e.Model) != router.ShowCall {
		// The call's video no longer asks for frames it would not draw.
		r.InCall.Offscreen()
	} else if r.InCall.FullVideo() {
		// Full-screen video: the page alone, no navigation.
		paint.Fill(gtx.Ops, r.Theme.Bg)
		return r.InCall.Layout(gtx, e)
	}
	r.focusDialpad(gtx, e.Model)
	left := r.InCall.Left()
	// Add call leaves the in-call screen during its layout: draw the
	// dialpad at once, or keys typed meanwhile go to the call as tones.
	defer func() {
		if r.InCall.Left() != left {
			gtx.Execute(op.InvalidateCmd{})
		}
	}()
	paint.Fill(gtx.Ops, r.Theme.Bg)
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			if e.Size == env.Desktop {
				return layout.Flex{}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions { return r.layoutNav(gtx, e, layout.Vertical) }),
					layout.Flexed(1, func(gtx layout.Context) layout.Dimensions { return r.layoutScreen(gtx, e) }),
				)
			}
			return r.layoutScreen(gtx, e)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return r.layoutError(gtx, e) }),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if e.Size == env.Desktop {
				return layout.Dimensions{}
			}
			return r.layoutNav(gtx, e, layout.Horizontal)
		}),
	)
}

func (r *Root) update(gtx layout.Context, e *env.Env) {
	for i := range r.nav {
		if r.nav[i].Clicked(gtx) {
			r.Router.Tab = router.Tab(i)
		}
	}
	if r.backToCall.Clicked(gtx) {
		r.InCall.Return()
	}
	r.Router.Update(e.Model)
	// Esc declines the ringing call (the phone picks the code), else
	// closes an open in-call panel (the transfer field), else ends the
	// shown call (every leg of a conference, like its End button).
	for {
		ev, ok := gtx.Event(key.Filter{Name: key.NameEscape})
		if !ok {
			break
		}
		if k, isKey := ev.(key.Event); !isKey || k.State != key.Press {
			continue
		}
		if c, ok := e.Model.Ringing(); ok {
			id := c.ID
			e.Run("Decline", func(context.Context) error { return e.Phone.Decline(id) })
		} else if !r.InCall.Escape() {
			r.InCall.EndCurrent(e)
		}
	}
}

// focusDialpad gives the number field the keyboard whenever the dialpad
// comes (back) on screen: after a call, or to add one. The focus would
// otherwise stay with the in-call screen, gone, and typing would be lost.
func (r *Root) focusDialpad(gtx layout.Context, m env.Model) {
	w := r.Router.Where(m)
	on := (w == router.ShowTab || w == router.ShowTabInCall) && r.Router.Tab == TabDialpad
	if on && !r.onDialpad {
		gtx.Execute(key.FocusCmd{Tag: &r.Dialpad.Number})
	}
	r.onDialpad = on
}

func (r *Root) layoutScreen(gtx layout.Context, e *env.Env) layout.Dimensions {
	if r.Router.Where(e.Model) == router.ShowTabInCall {
		c, _ := e.Model.Active()
		return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return r.layoutBackBar(gtx, c) }),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions { return r.Router.Current().Layout(gtx, e) }),
		)
	}
	return r.Router.Page(e.Model).Layout(gtx, e)
}

// layoutBackBar leads back to the call the user left to add another.
func (r *Root) layoutBackBar(gtx layout.Context, c call.Info) layout.Dimensions {
	th := r.Theme
	name := callerName(c)
	return material.ButtonLayout(th.Theme, &r.backToCall).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp("Back to the call with " + name).Add(gtx.Ops)
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.UniformInset(unit.Dp(10)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, "Back to call · "+name+" · "+c.State.String())
			l.Color = th.ContrastFg
			return l.Layout(gtx)
		})
	})
}

// layoutNav is the bottom bar (phone, tablet) or the side rail (desktop).
func (r *Root) layoutNav(gtx layout.Context, e *env.Env, axis layout.Axis) layout.Dimensions {
	th := r.Theme
	size := unit.Sp(14)
	if e.Size == env.Handset {
		size = 12 // six labels must fit 360 dp without wrapping
	}
	children := make([]layout.FlexChild, 0, tabCount)
	for i := range r.nav {
		item := func(gtx layout.Context) layout.Dimensions {
			bg, fg := th.Surface, th.Fg
			if r.Router.Tab == router.Tab(i) {
				bg, fg = th.ContrastBg, th.ContrastFg
			}
			bl := material.ButtonLayout(th.Theme, &r.nav[i])
			bl.Background, bl.CornerRadius = bg, 0
			badge := tabBadge(e.Model, router.Tab(i))
			return bl.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				desc := "Show " + tabNames[i]
				if badge > 0 {
					desc += ", " + strconv.Itoa(badge) + " unread"
				}
				semantic.DescriptionOp(desc).Add(gtx.Ops)
				gtx.Constraints.Min.X = gtx.Constraints.Max.X
				over := e.Size == env.Handset
				dims := layout.Inset{Top: 12, Bottom: 12, Left: 2, Right: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						l := material.Label(th.Theme, size, tabLabel(e.Model, router.Tab(i)))
						l.Color, l.MaxLines = fg, 1
						if over {
							return l.Layout(gtx)
						}
						return labelBadge(gtx, th, l, badge)
					})
				})
				if over && badge > 0 {
					// Six tabs leave no room beside the label: the count
					// goes in the tab's top right corner.
					m := op.Record(gtx.Ops)
					bd := navBadge(gtx, th, badge, 10)
					call := m.Stop()
					defer op.Offset(image.Pt(dims.Size.X-bd.Size.X-gtx.Dp(2), gtx.Dp(1))).Push(gtx.Ops).Pop()
					call.Add(gtx.Ops)
				}
				return dims
			})
		}
		if axis == layout.Horizontal {
			children = append(children, layout.Flexed(1, item))
		} else {
			children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min.X = gtx.Dp(140)
				gtx.Constraints.Max.X = gtx.Dp(140)
				return item(gtx)
			}))
		}
	}
	return layout.Flex{Axis: axis}.Layout(gtx, children...)
}

// tabLabel is the tab's name, with the count of missed calls not seen
// yet on History.
func tabLabel(m env.Model, t router.Tab) string {
	if t == TabHistory {
		if n := m.UnseenMissed; n > 0 {
			return tabNames[t] + " (" + strconv.Itoa(n) + ")"
		}
	}
	return tabNames[t]
}

// tabBadge is the count drawn on a tab: unread messages.
func tabBadge(m env.Model, t router.Tab) int {
	if t == TabMessages {
		return m.Unread
	}
	return 0
}

// labelBadge is a tab's label with its count, if any, beside it.
func labelBadge(gtx layout.Context, th *theme.Theme, l material.LabelStyle, n int) layout.Dimensions {
	if n <= 0 {
		return l.Layout(gtx)
	}
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(l.Layout),
		layout.Rigid(layout.Spacer{Width: 6}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return navBadge(gtx, th, n, 12) }),
	)
}

// navBadge is a tab's count: red, to stand out on the chosen tab's colour
// too.
func navBadge(gtx layout.Context, th *theme.Theme, n int, sp unit.Sp) layout.Dimensions {
	return widgets.CountBadge(gtx, th, n, sp, th.Danger, th.OnColor)
}

// layoutError shows the last command error for a few seconds.
func (r *Root) layoutError(gtx layout.Context, e *env.Env) layout.Dimensions {
	r.mu.Lock()
	text, at := r.errText, r.errAt
	r.mu.Unlock()
	if text == "" || gtx.Now.Sub(at) > 6*time.Second {
		return layout.Dimensions{}
	}
	th := r.Theme
	return layout.Stack{}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			paint.FillShape(gtx.Ops, th.Danger, clip.Rect(image.Rectangle{Max: gtx.Constraints.Min}).Op())
			return layout.Dimensions{Size: gtx.Constraints.Min}
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.UniformInset(unit.Dp(8)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Body2(th.Theme, text)
				l.Color = th.OnColor
				return l.Layout(gtx)
			})
		}),
	)
}
