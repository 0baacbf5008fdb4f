package gui

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"gioui.org/app"
	"gioui.org/io/system"
	"gioui.org/op"
	"gioui.org/text"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/pages/contacts"
	"github.com/softphone/softphone/gui/pages/dialpad"
	"github.com/softphone/softphone/gui/pages/history"
	"github.com/softphone/softphone/gui/pages/incoming"
	"github.com/softphone/softphone/gui/pages/messages"
	"github.com/softphone/softphone/gui/theme"
)

// Options are the window's settings.
type Options struct {
	Title string
	Dark  bool
	// Width and Height are the initial size in dp (default 1024×700).
	Width, Height unit.Dp
	// History and Contacts feed those screens (nil: the screens say there
	// is no data).
	History  history.Source
	Contacts contacts.Source
	// Messages feeds the messages screen (nil: it says there are none).
	Messages messages.Source
	// Lookup feeds the dialpad's suggestions and speed dial and the
	// incoming call's caller ID (nil: none of them).
	Lookup interface {
		dialpad.Source
		incoming.Source
	}
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
}

// EventSource is the phone's event stream: every event redraws the window.
type EventSource interface {
	Events() (<-chan core.Event, func())
}

// Run opens the window and runs it until it is closed or ctx ends. It
// must not run on the main goroutine: app.Main owns that one.
func Run(ctx context.Context, p env.Phone, events EventSource, o Options) error {
	if o.Title == "" {
		o.Title = "Softphone"
	}
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1024, 700
	}
	w := new(app.Window)
	w.Option(app.Title(o.Title), app.Size(o.Width, o.Height), app.MinSize(320, 480))
	root := NewRoot(p, theme.New(o.Dark, o.Shaper))
	root.Invalidate = w.Invalidate
	if o.History != nil {
		root.History.SetSource(o.History)
	}
	if o.Contacts != nil {
		root.Contacts.SetSource(o.Contacts)
	}
	if o.Messages != nil {
		root.Messages.SetSource(o.Messages)
	}
	if o.Lookup != nil {
		root.Dialpad.SetSource(o.Lookup)
		root.Incoming.SetSource(o.Lookup)
		root.Messages.SetNames(o.Lookup)
	}
	if o.Notice != "" {
		root.run("Data", func() error { return errors.New(o.Notice) })
	}

	evs, cancel := events.Events()
	defer cancel()
	var focused atomic.Bool
	focused.Store(true)
	go func() {
		for e := range evs {
			if n, ok := e.(core.NoticeEvent); ok {
				root.run("Note", func() error { return errors.New(n.Text) })
			}
			root.Event(e)
			w.Invalidate() // the next frame reads the new state
			announce(e, focused.Load(), o.Notifier)
			announceMessage(ctx, e, focused.Load(), o.Notifier, o.Lookup)
		}
	}()
	go func() {
		<-ctx.Done()
		w.Perform(system.ActionClose)
	}()
	var ops op.Ops
	for {
		switch e := w.Event().(type) {
		case app.DestroyEvent:
			return e.Err
		case app.ConfigEvent:
			focused.Store(e.Config.Focused)
			root.Messages.Background = !e.Config.Focused
		case app.FrameEvent:
			gtx := app.NewContext(&ops, e)
			root.Layout(gtx)
			e.Frame(gtx.Ops)
			if o.FirstFrame != nil {
				o.FirstFrame(time.Now())
				o.FirstFrame = nil
			}
		}
	}
}

// announce notifies an incoming call when the window is in the background.
func announce(e core.Event, focused bool, n core.Notifier) {
	ce, ok := e.(core.CallEvent)
	if !ok || ce.State != call.Incoming || focused || n == nil {
		return
	}
	who := ce.Remote.DisplayName
	if who == "" {
		who = ce.Remote.URI
	}
	body := who
	if ce.Account != "" {
		body += " (to " + ce.Account + ")"
	}
	_ = n.Notify("Incoming call", body) // the ringtone and the window still show it
}
