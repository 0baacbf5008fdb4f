// Package env is what every screen of the window gets: the phone's state
// for this frame, the theme, and a way to send commands without blocking
// the frame.
package env

import (
	"context"
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/theme"
)

// Model is the phone's state for one frame: one read of the core's
// State per frame (calls oldest first), so every screen draws the same
// moment and no lock is held while drawing.
type Model struct {
	core.State
	Now time.Time
}

// Env is handed to each screen's Layout.
type Env struct {
	Theme *theme.Theme
	Model Model
	Phone core.Phone
	// Run queues a command for the window's one command goroutine (SIP
	// commands block; the queue keeps them in the order they were given)
	// and shows its error, if any, to the user. ctx ends with the window.
	Run func(what string, cmd func(ctx context.Context) error)
	// Size is the layout class of the window this frame.
	Size Size
	// Invalidate asks for a new frame from any goroutine (a video
	// picture arrived); nil where nothing can.
	Invalidate func()
	// Fullscreen asks the window to fill the screen (true) or to be a
	// window again; nil where the window cannot.
	Fullscreen func(on bool)
}

// Size classes of the window.
type Size int

const (
	Handset Size = iota // portrait phone, < 600 dp wide
	Tablet              // 600..1000 dp
	Desktop             // ≥ 1000 dp
)

// SizeOf picks the class for the frame's width.
func SizeOf(gtx layout.Context) Size {
	w := gtx.Metric.PxToDp(gtx.Constraints.Max.X)
	switch {
	case w < 600:
		return Handset
	case w < 1000:
		return Tablet
	default:
		return Desktop
	}
}

// Active is the call being shown: the newest established or dialling one.
func (m Model) Active() (call.Info, bool) {
	for i := len(m.Calls) - 1; i >= 0; i-- {
		if c := m.Calls[i]; c.State != call.Incoming && c.State != call.Ended {
			return c, true
		}
	}
	return call.Info{}, false
}

// Ringing is the newest incoming call not answered yet.
func (m Model) Ringing() (call.Info, bool) {
	for i := len(m.Calls) - 1; i >= 0; i-- {
		if m.Calls[i].State == call.Incoming {
			return m.Calls[i], true
		}
	}
	return call.Info{}, false
}
