package gui

import (
	"context"
	"errors"

	"gioui.org/app"
	"gioui.org/io/system"
	"gioui.org/op"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/pages/contacts"
	"github.com/softphone/softphone/gui/pages/history"
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
	// Notice is shown once at start (e.g. a database that was moved aside).
	Notice string
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
	root := NewRoot(p, theme.New(o.Dark, nil))
	root.Invalidate = w.Invalidate
	if o.History != nil {
		root.History.SetSource(o.History)
	}
	if o.Contacts != nil {
		root.Contacts.SetSource(o.Contacts)
	}
	if o.Notice != "" {
		root.run("Data", func() error { return errors.New(o.Notice) })
	}

	evs, cancel := events.Events()
	defer cancel()
	go func() {
		for range evs {
			w.Invalidate() // the next frame reads the new state
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
		case app.FrameEvent:
			gtx := app.NewContext(&ops, e)
			root.Layout(gtx)
			e.Frame(gtx.Ops)
		}
	}
}
