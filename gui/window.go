package gui

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"time"

	"gioui.org/app"
	"gioui.org/io/event"
	"gioui.org/io/system"
	"gioui.org/op"
	"gioui.org/text"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/theme"
)

// Options are the window's settings.
type Options struct {
	Title string
	Dark  bool
	// Width and Height are the initial size in dp (default 1024×700).
	Width, Height unit.Dp
	// Notice is shown once at start (e.g. a database that was moved aside).
	Notice string
	// Notifier, if set, announces incoming calls and messages while the
	// window is not focused.
	Notifier core.Notifier
	// FirstFrame, if set, is called once, on the window's goroutine, when
	// the first frame has been laid out and handed to the window, with the
	// time FrameEvent.Frame returned (on X11 that is after the GPU context
	// was made, the frame rendered and the buffers swapped). Start-up
	// benchmarks and tests watch it.
	FirstFrame func(at time.Time)
	// Shaper, if set, is the text shaper to use (theme.NewShaper): building
	// one loads the fonts, which a caller can start early, beside its own
	// start-up, to have it ready by the first frame.
	Shaper *text.Shaper
	// Actions, if set, are window actions asked from outside the window
	// (a tray's "Show" raises it, its "Quit" closes it as the user would).
	Actions <-chan system.Action
}

// Run opens the window over phone p and runs it until it is closed or
// ctx ends: every event of p redraws it from p's state, and the records
// (history, contacts, messages) are p's. It must not run on the main
// goroutine: app.Main owns that one.
func Run(ctx context.Context, p core.Phone, o Options) error {
	if o.Title == "" {
		o.Title = "Softphone"
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1024, 700
	}
	// The window's lifetime: its command queue and lookups end with it.
	parent := ctx
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	w := new(app.Window)
	w.Option(app.Title(o.Title), app.Size(o.Width, o.Height), app.MinSize(320, 480))
	root := NewRoot(ctx, p, theme.New(o.Dark, o.Shaper))
	root.Invalidate = w.Invalidate
	// The in-call page asks for full screen while laying out a frame; the
	// window changes mode after that frame.
	mode, modeSet := app.Windowed, false
	root.Fullscreen = func(on bool) {
		mode, modeSet = app.Windowed, true
		if on {
			mode = app.Fullscreen
		}
	}
	wasFull := false
	if o.Notice != "" {
		root.showError("Data", errors.New(o.Notice))
	}

	evs, cancel := p.Events()
	defer cancel()
	var focused atomic.Bool
	focused.Store(true)
	go func() {
		for e := range evs {
			if n, ok := e.(core.NoticeEvent); ok {
				root.showError("Note", errors.New(n.Text))
			}
			w.Invalidate() // the next frame reads the new state
			announce(e, focused.Load(), o.Notifier)
			announceMessage(ctx, e, focused.Load(), o.Notifier, p)
		}
	}()
	gone := make(chan struct{}) // the window is destroyed: nothing to close
	defer close(gone)
	go func() {
		select {
		case <-parent.Done():
			w.Perform(system.ActionClose)
		case <-gone:
		}
	}()
	if o.Actions != nil {
		go func() {
			for {
				select {
				case a := <-o.Actions:
					w.Perform(a)
				case <-gone:
					return
				}
			}
		}()
	}
	var ops op.Ops
	for {
		ev, err := windowEvent(w.Event)
		if err != nil {
			return err
		}
		switch e := ev.(type) {
		case app.DestroyEvent:
			return e.Err
		case app.ConfigEvent:
			focused.Store(e.Config.Focused)
			root.Messages.Background = !e.Config.Focused
			full := e.Config.Mode == app.Fullscreen
			if wasFull && !full {
				root.InCall.LeftFullscreen() // the user or the desktop ended it
			}
			wasFull = full
		case app.FrameEvent:
			gtx := app.NewContext(&ops, e)
			root.Layout(gtx)
			e.Frame(gtx.Ops)
			if modeSet {
				modeSet = false
				w.Option(mode.Option())
			}
			if o.FirstFrame != nil {
				o.FirstFrame(time.Now())
				o.FirstFrame = nil
			}
		}
	}
}

// giosInitPanic is what Gio's Window.Event panics with when the system
// refused to make the window and the DestroyEvent carrying the reason has
// not arrived yet (it is sent after Event was let go on).
const giosInitPanic = "window initialization failed without a DestroyEvent"

// windowEvent is next() (the window's Event), with Gio's panic for a
// window that could not be made returned as an error: the program then
// says so and exits instead of crashing. Any other panic goes on.
func windowEvent(next func() event.Event) (e event.Event, err error) {
	defer func() {
		if r := recover(); r != nil {
			if s, ok := r.(string); !ok || s != giosInitPanic {
				panic(r)
			}
			err = errors.New("the system did not make the window")
		}
	}()
	return next(), nil
}

// announce notifies an incoming call when the window is in the background.
func announce(e core.Event, focused bool, n core.Notifier) {
	ce, ok := e.(core.CallEvent)
	if !ok || ce.State != call.Incoming || focused || n == nil {
		return
	}
	who := callerName(ce.Info)
	body := who
	if ce.Account != "" {
		body += " (to " + ce.Account + ")"
	}
	_ = n.Notify("Incoming call", body) // the ringtone and the window still show it
}

// callerName is who calls, for a notification: the contact the phone
// found, else the SIP display name, else the address.
func callerName(c call.Info) string {
	for _, s := range []string{c.Contact, c.Remote.DisplayName} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return c.Remote.URI
}
