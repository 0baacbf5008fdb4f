// Package incall is the screen of a call in progress: who, its state and
// duration, its quality, and the controls (mute, hold, keypad, transfer,
// merge, record, audio devices, video, add call, hang up). With several
// calls, a compact list at the top shows them all, switches between them,
// and splits or hangs up the legs of a local conference. A video call
// shows the far end's picture, ours in a corner, and can fill the screen.
package incall

import (
	"context"
	"image"
	"strings"
	"sync"

	"gioui.org/io/event"
	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/unit"
	"gioui.org/widget"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// panel is what fills the middle of the screen.
type panel int

const (
	panelControls panel = iota
	panelKeypad
	panelAudio
	panelTransfer
	panelShare // the screens and windows to share
)

// Page is the screen's state between frames.
type Page struct {
	// Hidden lets the user leave the in-call screen (to add a call).
	Hidden bool
	// Convert, if set, is the scaling conversion the video views use
	// (nil: widgets.ScaleI420); tests count conversions with it.
	Convert func(dst *image.RGBA, src *image.YCbCr)

	// selected is the call the user switched to in the list; "" follows
	// the phone (the call not on hold, else the newest).
	selected string
	shown    string // call shown in the last frame
	known    map[string]bool
	panel    panel
	digits   string // DTMF sent on the shown call, for the keypad display
	hidden   bool   // we set Hidden: focus the page again when it is back
	focus    bool   // take the keyboard focus in the next frame

	mute, hold, keypad, audio, addCall, hangup, closePanel widget.Clickable
	transfer, merge, record                                widget.Clickable
	keys                                                   [12]widget.Clickable
	rows                                                   map[string]*callRow

	xfer transferForm

	quality quality

	video videoState

	// Audio devices, read off the frame goroutine.
	mu         sync.Mutex
	devices    []audio.DeviceInfo
	devErr     error
	devLoading bool
	chosen     map[string][2]string // per call: input, output
	inRows     []widget.Clickable
	outRows    []widget.Clickable
	devList    widget.List

	ic icons_
}

// icons_ are the page's icons; each is drawn in one colour, so Gio's
// cache of its image holds.
type icons_ struct {
	micOn, micOff, pause, play, dialpad, volume, add, hangup, person *widget.Icon
	inTalk, paused, radioOn, radioOff                                *widget.Icon
	transfer, merge, split, record, stop, group                      *widget.Icon
	lock                                                             *widget.Icon
	cam, camOff, videoCall, share, stopShare, screen                 *widget.Icon
	full, fullExit, more                                             *widget.Icon
}

// New makes the page.
func New() *Page {
	p := &Page{
		rows:   map[string]*callRow{},
		known:  map[string]bool{},
		chosen: map[string][2]string{},
		focus:  true,
	}
	p.xfer.init()
	p.devList.Axis = layout.Vertical
	m := widgets.MustIcon
	p.ic = icons_{
		micOn: m(icons.AVMic), micOff: m(icons.AVMicOff),
		pause: m(icons.AVPause), play: m(icons.AVPlayArrow),
		dialpad: m(icons.CommunicationDialpad), volume: m(icons.AVVolumeUp),
		add: m(icons.ContentAdd), hangup: m(icons.CommunicationCallEnd),
		person: m(icons.SocialPerson),
		inTalk: m(icons.NotificationPhoneInTalk), paused: m(icons.NotificationPhonePaused),
		radioOn: m(icons.ToggleRadioButtonChecked), radioOff: m(icons.ToggleRadioButtonUnchecked),
		transfer: m(icons.NotificationPhoneForwarded), merge: m(icons.CommunicationCallMerge),
		split: m(icons.CommunicationCallSplit), record: m(icons.AVFiberManualRecord),
		stop: m(icons.AVStop), group: m(icons.SocialGroup),
		lock: m(icons.ActionLock),
		cam:  m(icons.AVVideocam), camOff: m(icons.AVVideocamOff), videoCall: m(icons.AVVideoCall),
		share: m(icons.CommunicationScreenShare), stopShare: m(icons.CommunicationStopScreenShare),
		screen: m(icons.HardwareDesktopWindows),
		full:   m(icons.NavigationFullscreen), fullExit: m(icons.NavigationFullscreenExit), more: m(icons.NavigationMoreHoriz),
	}
	p.video.place = [2]float32{1, 0} // the preview starts top right
	p.video.shareList.Axis = layout.Vertical
	return p
}

// Current is the call the screen shows: the one the user switched to,
// else the newest call not on hold by us, else the newest live one.
func (p *Page) Current(m env.Model) (call.Info, bool) {
	live := liveCalls(m)
	for _, c := range live {
		if c.ID == p.selected {
			return c, true
		}
	}
	for i := len(live) - 1; i >= 0; i-- {
		if !live[i].LocalHold {
			return live[i], true
		}
	}
	return m.Active()
}

// Left says whether the user left the page for the tabs (Add call).
func (p *Page) Left() bool { return p.Hidden }

// Return shows the page again (a new call, Back to call).
func (p *Page) Return() { p.Hidden = false }

// EndCurrent does what "End call" does: it hangs up the shown call, or
// every leg of its conference.
func (p *Page) EndCurrent(e *env.Env) {
	if c, ok := p.Current(e.Model); ok {
		hangUp(e, callIDs(conferenceOf(liveCalls(e.Model), c)))
	}
}

func hangUp(e *env.Env, ids []string) {
	e.Run("Hang up", func(context.Context) error {
		for _, id := range ids {
			if err := e.Phone.Hangup(id); err != nil {
				return err
			}
		}
		return nil
	})
}

// liveCalls are the calls the list shows: neither ended nor still
// ringing for us (the incoming screen has those).
func liveCalls(m env.Model) []call.Info {
	var out []call.Info
	for _, c := range m.Calls {
		if c.State != call.Ended && c.State != call.Incoming {
			out = append(out, c)
		}
	}
	return out
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	c, ok := p.Current(e.Model)
	if !ok {
		p.Offscreen()
		return layout.Dimensions{Size: gtx.Constraints.Min}
	}
	p.update(gtx, e, c)
	// A command may have changed which call to show.
	if c2, ok := p.Current(e.Model); ok {
		c = c2
	}
	live := liveCalls(e.Model)
	legs := conferenceOf(live, c)
	remote, local := feeds(e, c)
	p.video.remote.Convert, p.video.local.Convert = p.Convert, p.Convert
	video := p.showsVideo(c, remote, legs)
	if video {
		p.watch(e, remote, local)
	} else {
		p.watch(e, nil, nil)
		p.leaveFull()
	}
	if c.Established() && len(legs) < 2 {
		p.quality.observe(c.ID, e.Model.Quality)
	}
	// The badge, the timers and the recording's clock change each second.
	for _, o := range live {
		if o.Established() {
			gtx.Execute(op.InvalidateCmd{At: nextSecond(o, gtx.Now)})
		}
		if o.Recording != "" && !o.RecordingSince.IsZero() {
			gtx.Execute(op.InvalidateCmd{At: nextTick(o.RecordingSince, gtx.Now)})
		}
	}

	// The page takes typed digits (DTMF) while nothing else has the focus.
	area := clip.Rect{Max: gtx.Constraints.Max}.Push(gtx.Ops)
	event.Op(gtx.Ops, p)
	key.InputHintOp{Tag: p, Hint: key.HintNumeric}.Add(gtx.Ops)
	area.Pop()
	if p.focus || gtx.Focused(nil) {
		gtx.Execute(key.FocusCmd{Tag: p})
		p.focus = false
	}

	handset := e.Size == env.Handset
	pad := unit.Dp(24)
	if handset {
		pad = 16
	}
	// On a phone with the list of calls up, the avatar gives way; it also
	// does wherever it would squeeze the panel under it.
	avatar := !(handset && (p.panel != panelControls || len(live) > 1))
	compact := handset && len(live) > 1
	switch {
	case video && p.video.full:
		return p.layoutFullVideo(gtx, e, c, remote, local)
	case video:
		return p.layoutVideoCall(gtx, e, c, live, legs, remote, local)
	}
	return layout.UniformInset(pad).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		// On a tall screen the call keeps together in the middle.
		gtx.Constraints.Max.Y = min(gtx.Constraints.Max.Y, gtx.Dp(760))
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(560))
			gtx.Constraints.Min.Y = gtx.Constraints.Max.Y
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if len(live) < 2 {
						return layout.Dimensions{}
					}
					return layout.Inset{Bottom: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return p.layoutCalls(gtx, e, live, c)
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					m := op.Record(gtx.Ops)
					dims := p.layoutHeader(gtx, e, c, legs)
					header := m.Stop()
					avSize := gtx.Dp(96)
					if handset {
						avSize = gtx.Dp(72)
					}
					room := gtx.Constraints.Max.Y - dims.Size.Y - gtx.Dp(p.panelNeeds(compact)) - gtx.Dp(bottomHeight(compact))
					return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
						layout.Rigid(func(gtx layout.Context) layout.Dimensions {
							if !avatar || room < avSize+gtx.Dp(12) {
								return layout.Dimensions{}
							}
							return layout.Inset{Bottom: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
								if len(legs) > 1 {
									return groupAvatar(gtx, e.Theme, p.ic.group.Layout, avSize)
								}
								name, _ := widgets.Names(c.Remote)
								return widgets.Avatar(gtx, e.Theme, p.ic.person, name, avSize)
							})
						}),
						layout.Rigid(func(gtx layout.Context) layout.Dimensions {
							header.Add(gtx.Ops)
							return dims
						}),
					)
				}),
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					in := layout.Inset{Top: 16, Bottom: 16}
					if compact {
						in = layout.Inset{Top: 8, Bottom: 8}
					}
					return in.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						switch p.panel {
						case panelKeypad:
							return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return p.layoutKeypad(gtx, e) })
						case panelAudio:
							return p.layoutAudio(gtx, e, c)
						case panelTransfer:
							return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return p.layoutTransfer(gtx, e, c, live) })
						case panelShare:
							return p.layoutShare(gtx, e)
						}
						return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return p.layoutControls(gtx, e, c, legs, live, compact)
						})
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutBottom(gtx, e, c, legs, compact) }),
			)
		})
	})
}

// Escape leaves full-screen video, or closes the open panel (keypad,
// audio devices, transfer, share), and reports whether it did: the
// window's Esc should try it before it hangs up, or Esc in the transfer's
// field would end the call.
func (p *Page) Escape() bool {
	if p.video.full {
		p.leaveFull()
		return true
	}
	if p.panel == panelControls {
		return false
	}
	p.panel, p.focus = panelControls, true
	return true
}

// panelNeeds is about the height (dp) the middle panel wants, with the
// space around it: the avatar shows only if it leaves that much.
func (p *Page) panelNeeds(compact bool) unit.Dp {
	switch p.panel {
	case panelKeypad:
		return 340
	case panelAudio:
		return 260
	case panelTransfer, panelShare:
		return 240
	}
	if compact {
		return 250
	}
	return controlsHeight + 32
}

// update handles the taps and typed digits before drawing.
func (p *Page) update(gtx layout.Context, e *env.Env, c call.Info) {
	if p.hidden && !p.Hidden {
		p.hidden, p.focus = false, true
	}
	if c.ID != p.shown {
		p.shown, p.digits = c.ID, ""
		if p.panel == panelKeypad && !c.Established() || p.panel == panelTransfer || p.panel == panelShare {
			p.panel = panelControls
		}
		p.video.grid = false
	}
	if p.selected != "" && p.selected != c.ID {
		p.selected = ""
	}
	// A new call (dialled, answered) is shown rather than the one chosen
	// before.
	live := liveCalls(e.Model)
	fresh := false
	for _, o := range live {
		fresh = fresh || !p.known[o.ID]
	}
	if fresh {
		clear(p.known)
		for _, o := range live {
			p.known[o.ID] = true
		}
		p.selected = ""
	}
	legs := conferenceOf(live, c)
	conf := len(legs) > 1
	id := c.ID

	if p.mute.Clicked(gtx) {
		// The microphone goes to every leg of a conference.
		on, ids := !c.Muted, callIDs(legs)
		e.Run(map[bool]string{true: "Mute", false: "Unmute"}[on], func(context.Context) error {
			for _, id := range ids {
				if err := e.Phone.Mute(id, on); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if p.hold.Clicked(gtx) && c.Established() {
		// Holding the shown call keeps it shown even if another is live.
		p.selected = id
		p.holdAll(e, legs, !c.LocalHold)
	}
	if p.keypad.Clicked(gtx) && c.Established() && !conf {
		p.panel = panelKeypad
	}
	if p.audio.Clicked(gtx) {
		p.panel = panelAudio
		p.loadDevices(e)
	}
	if p.closePanel.Clicked(gtx) {
		p.panel = panelControls
		p.focus = true
	}
	if p.addCall.Clicked(gtx) {
		p.panel = panelControls
		p.Hidden, p.hidden = true, true
	}
	if p.hangup.Clicked(gtx) {
		hangUp(e, callIDs(legs))
	}
	for i := range p.keys {
		if p.keys[i].Clicked(gtx) {
			p.sendDTMF(e, c, widgets.Keys[i].Digit)
		}
	}
	for {
		ev, ok := gtx.Event(key.FocusFilter{Target: p})
		if !ok {
			break
		}
		ed, isEdit := ev.(key.EditEvent)
		if !isEdit {
			continue
		}
		if p.panel == panelTransfer {
			// Typing goes to the target, wherever the focus was.
			p.xfer.target.Insert(ed.Text)
			gtx.Execute(key.FocusCmd{Tag: &p.xfer.target})
			continue
		}
		for _, r := range ed.Text {
			if strings.ContainsRune("0123456789*#ABCDabcd", r) && !conf {
				if p.panel != panelAudio {
					p.panel = panelKeypad
				}
				p.sendDTMF(e, c, strings.ToUpper(string(r)))
			}
		}
	}
	p.updateBusiness(gtx, e, c, live, legs)
	p.updateCalls(gtx, e, c, live)
	p.updateAudio(gtx, e, c)
	p.updateVideo(gtx, e, c)
}

// holdAll holds (or resumes) the calls, in order.
func (p *Page) holdAll(e *env.Env, calls []call.Info, hold bool) {
	var ids []string
	for _, o := range calls {
		if o.Established() && o.LocalHold != hold {
			ids = append(ids, o.ID)
		}
	}
	what := "Resume"
	if hold {
		what = "Hold"
	}
	e.Run(what, func(ctx context.Context) error {
		for _, id := range ids {
			f := e.Phone.Resume
			if hold {
				f = e.Phone.Hold
			}
			if err := f(ctx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// sendDTMF sends a digit on the shown call; the window's command queue
// keeps the digits in the order they were typed.
func (p *Page) sendDTMF(e *env.Env, c call.Info, d string) {
	if !c.Established() {
		return
	}
	p.digits += d
	id := c.ID
	e.Run("Send tone", func(context.Context) error { return e.Phone.SendDTMF(id, d) })
}
