// Package env is what every screen of the window gets: the phone's state
// for this frame, the theme, and a way to send commands without blocking
// the frame.
package env

import (
	"time"

	"gioui.org/layout"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/gui/theme"
)

// Phone is what the window needs of core.Phone: state to draw and
// commands to send. Tests give a fake to check which command a tap sends.
type Phone interface {
	Snapshot() core.Snapshot
	Calls() []call.Info
	CallStats(id string) (media.Stats, error)
	Dial(to string, o core.DialOptions) (string, error)
	Answer(id string) error
	Reject(id string, code int) error
	Hangup(id string) error
	Hold(id string) error
	Resume(id string) error
	Mute(id string, on bool) error
	SendDTMF(id, digits string) error
	Register(name string) error

	// Devices and settings.
	AudioDevices() ([]audio.DeviceInfo, error)
	SetCallAudio(id, in, out string) error
	Config() config.Config
	// UpdateAccounts validates, saves (atomically) and applies the accounts.
	UpdateAccounts(accounts []config.Account) error
	// UpdateSettings saves and applies the [audio] and [ui] settings.
	UpdateSettings(a config.Audio, ui config.UI) error

	// Business features (issue 6).
	Transfer(id, target string) error
	AttendedTransfer(id, consultID string) error
	Merge(ids ...string) (string, error)
	Split(id string) error
	StartRecording(id string) (string, error)
	StopRecording(id string) error
	SetDND(on bool) error
	Voicemail() []core.VoicemailStatus
	DialVoicemail(account string) (string, error)
	SendMessage(account, to, text string) (core.Message, error)
	Watch(uris []string) error
	Watched() map[string]core.BLFState
	Pickup(uri string) (string, error)
}

// Model is the phone's state for one frame: read once per frame, so no lock
// is held while drawing.
type Model struct {
	Snapshot core.Snapshot
	Calls    []call.Info // oldest first
	Now      time.Time
}

// Env is handed to each screen's Layout.
type Env struct {
	Theme *theme.Theme
	Model Model
	Phone Phone
	// Run sends a command on another goroutine (SIP commands block), and
	// shows its error, if any, to the user.
	Run func(what string, cmd func() error)
	// Size is the layout class of the window this frame.
	Size Size
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
