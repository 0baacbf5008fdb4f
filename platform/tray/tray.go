package tray

import (
	"context"
	"errors"
	"log/slog"

	"github.com/softphone/softphone/core"
)

// ErrUnsupported is Start's answer where this build has no tray.
var ErrUnsupported = errors.New("tray: not available on this platform")

// Click is a menu item (or the icon) the user chose.
type Click uint8

// The clicks.
const (
	ClickShow Click = iota + 1 // "Show window", or the icon itself
	ClickDND
	ClickAnswer
	ClickDecline
	ClickQuit
)

// surface is where a view is drawn: the system's tray, or a test's.
type surface interface {
	// Show draws v.
	Show(v View)
	// Clicks is what the user chose, in order.
	Clicks() <-chan Click
	// Close takes the icon away.
	Close()
}

// Option sets up a tray.
type Option func(*options)

type options struct {
	log        *slog.Logger
	show, quit func()
}

// WithLogger logs the tray's problems on l (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithShow is what "Show window" (and a click on the icon) does.
func WithShow(f func()) Option { return func(o *options) { o.show = f } }

// WithQuit is what "Quit" does: the program's own way out.
func WithQuit(f func()) Option { return func(o *options) { o.quit = f } }

func newOptions(opts []Option) options {
	o := options{log: slog.Default(), show: func() {}, quit: func() {}}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// run draws p's state on s until ctx ends or p's events stop, and turns
// clicks into p's intents (or the window's actions).
func run(ctx context.Context, p core.Phone, s surface, o options) {
	events, cancel := p.Events()
	defer cancel()
	v := ViewOf(p.State())
	s.Show(v)
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-events:
			if !ok {
				return
			}
			if next := ViewOf(p.State()); next != v {
				v = next
				s.Show(v)
			}
		case c := <-s.Clicks():
			click(ctx, p, c, v, o)
		}
	}
}

// click does what c asks, seen from v (the view the user clicked on).
// Phone calls run aside: a slow one must not hold the icon's updates.
func click(ctx context.Context, p core.Phone, c Click, v View, o options) {
	do := func(what string, f func() error) {
		go func() {
			if err := f(); err != nil {
				o.log.Warn("tray: "+what, "error", err)
			}
		}()
	}
	switch c {
	case ClickShow:
		o.show()
	case ClickQuit:
		o.quit()
	case ClickDND:
		on := !v.DND
		do("do not disturb", func() error { return p.SetDND(ctx, "", on) })
	case ClickAnswer:
		if v.Call != "" {
			do("answer", func() error { return p.Answer(ctx, v.Call) })
		}
	case ClickDecline:
		if v.Call != "" {
			do("decline", func() error { return p.Decline(v.Call) })
		}
	}
}
