// Package incall is the screen of a call in progress: who, its state and
// duration, its quality, and the controls (mute, hold, keypad, audio
// devices, add call, hang up). With several calls, a strip at the top shows
// them all and switches between them.
package incall

import (
	"image"
	"strconv"
	"strings"
	"sync"
	"time"

	"gioui.org/font"
	"gioui.org/io/event"
	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
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
)

// Page is the screen's state between frames.
type Page struct {
	// Hidden lets the user leave the in-call screen (to add a call).
	Hidden bool

	// selected is the call the user switched to in the strip; "" follows
	// the phone (the call not on hold, else the newest).
	selected string
	shown    string // call shown in the last frame
	known    map[string]bool
	panel    panel
	digits   string // DTMF sent on the shown call, for the keypad display
	hidden   bool   // we set Hidden: focus the page again when it is back
	focus    bool   // take the keyboard focus in the next frame

	mute, hold, keypad, audio, addCall, hangup, closePanel widget.Clickable
	keys                                                   [12]widget.Clickable
	strip                                                  layout.List
	chips                                                  map[string]*widget.Clickable

	quality quality

	// Audio devices, read off the frame goroutine.
	mu          sync.Mutex
	devices     []audio.DeviceInfo
	devErr      error
	devLoading  bool
	defIn       string // the configured devices, "" = system default
	defOut      string
	chosen      map[string][2]string // per call: input, output
	inRows      []widget.Clickable
	outRows     []widget.Clickable
	devList     widget.List
	dtmfQueue   []dtmf
	dtmfSending bool

	rowHeight int // height of a row of controls, for the reserved row

	ic icons_
}

type dtmf struct{ id, digit string }

// icons_ are the page's icons; each is drawn in one colour, so Gio's
// cache of its image holds.
type icons_ struct {
	micOn, micOff, pause, play, dialpad, volume, add, hangup, person *widget.Icon
	inTalk, paused, radioOn, radioOff                                *widget.Icon
}

// New makes the page.
func New() *Page {
	p := &Page{
		chips:  map[string]*widget.Clickable{},
		known:  map[string]bool{},
		chosen: map[string][2]string{},
		focus:  true,
	}
	p.strip.Axis = layout.Horizontal
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
	}
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

// liveCalls are the calls the strip shows: neither ended nor still
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
		return layout.Dimensions{Size: gtx.Constraints.Min}
	}
	p.update(gtx, e, c)
	// A command may have changed which call to show.
	if c2, ok := p.Current(e.Model); ok {
		c = c2
	}
	if c.Established() {
		p.quality.poll(gtx.Now, c.ID, e.Phone.CallStats)
		// The badge and the timer change each second.
		gtx.Execute(op.InvalidateCmd{At: nextSecond(c, gtx.Now)})
	}
	for _, o := range liveCalls(e.Model) {
		if o.Established() {
			gtx.Execute(op.InvalidateCmd{At: nextSecond(o, gtx.Now)})
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
	live := liveCalls(e.Model)
	return layout.UniformInset(pad).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		// On a tall screen the call keeps together in the middle.
		gtx.Constraints.Max.Y = min(gtx.Constraints.Max.Y, gtx.Dp(720))
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(560))
			gtx.Constraints.Min.Y = gtx.Constraints.Max.Y
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if len(live) < 2 {
						return layout.Dimensions{}
					}
					return layout.Inset{Bottom: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return p.layoutStrip(gtx, e, live, c.ID)
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return p.layoutHeader(gtx, e, c, !(handset && p.panel != panelControls))
				}),
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return layout.Inset{Top: 16, Bottom: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						switch p.panel {
						case panelKeypad:
							return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return p.layoutKeypad(gtx, e) })
						case panelAudio:
							return p.layoutAudio(gtx, e, c)
						}
						return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return p.layoutControls(gtx, e, c) })
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutBottom(gtx, e, c) }),
			)
		})
	})
}

// update handles the taps and typed digits before drawing.
func (p *Page) update(gtx layout.Context, e *env.Env, c call.Info) {
	if p.hidden && !p.Hidden {
		p.hidden, p.focus = false, true
	}
	if c.ID != p.shown {
		p.shown, p.digits = c.ID, ""
		if p.panel == panelKeypad && !c.Established() {
			p.panel = panelControls
		}
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
	id := c.ID

	if p.mute.Clicked(gtx) {
		on := !c.Muted
		e.Run(map[bool]string{true: "Mute", false: "Unmute"}[on], func() error { return e.Phone.Mute(id, on) })
	}
	if p.hold.Clicked(gtx) && c.Established() {
		// Holding the shown call keeps it shown even if another is live.
		p.selected = id
		if c.LocalHold {
			e.Run("Resume", func() error { return e.Phone.Resume(id) })
		} else {
			e.Run("Hold", func() error { return e.Phone.Hold(id) })
		}
	}
	if p.keypad.Clicked(gtx) && c.Established() {
		p.panel = panelKeypad
	}
	if p.audio.Clicked(gtx) {
		p.panel = panelAudio
		p.loadDevices(e)
	}
	if p.closePanel.Clicked(gtx) {
		p.panel = panelControls
	}
	if p.addCall.Clicked(gtx) {
		p.panel = panelControls
		p.Hidden, p.hidden = true, true
	}
	if p.hangup.Clicked(gtx) {
		e.Run("Hang up", func() error { return e.Phone.Hangup(id) })
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
		if ed, isEdit := ev.(key.EditEvent); isEdit {
			for _, r := range ed.Text {
				if strings.ContainsRune("0123456789*#ABCDabcd", r) {
					if p.panel != panelAudio {
						p.panel = panelKeypad
					}
					p.sendDTMF(e, c, strings.ToUpper(string(r)))
				}
			}
		}
	}
	p.updateStrip(gtx, e, c)
	p.updateAudio(gtx, e, c)
}

// sendDTMF queues a digit: one goroutine at a time sends the queue, so the
// digits go out in the order they were typed.
func (p *Page) sendDTMF(e *env.Env, c call.Info, d string) {
	if !c.Established() {
		return
	}
	p.digits += d
	p.mu.Lock()
	p.dtmfQueue = append(p.dtmfQueue, dtmf{c.ID, d})
	busy := p.dtmfSending
	p.dtmfSending = true
	p.mu.Unlock()
	if busy {
		return
	}
	e.Run("Send tone", func() error {
		for {
			p.mu.Lock()
			if len(p.dtmfQueue) == 0 {
				p.dtmfSending = false
				p.mu.Unlock()
				return nil
			}
			next := p.dtmfQueue[0]
			p.dtmfQueue = p.dtmfQueue[1:]
			p.mu.Unlock()
			if err := e.Phone.SendDTMF(next.id, next.digit); err != nil {
				p.mu.Lock()
				p.dtmfQueue, p.dtmfSending = nil, false
				p.mu.Unlock()
				return err
			}
		}
	})
}

// nextSecond is when the call's duration shows the next second.
func nextSecond(c call.Info, now time.Time) time.Time {
	if c.Answered.IsZero() {
		return now.Add(time.Second)
	}
	d := max(now.Sub(c.Answered), 0)
	return c.Answered.Add((d/time.Second + 1) * time.Second)
}

// Duration formats how long the call has been answered: "mm:ss", or
// "h:mm:ss" past an hour; "" before it is answered.
func Duration(c call.Info, now time.Time) string {
	if c.Answered.IsZero() {
		return ""
	}
	end := now
	if !c.EndedAt.IsZero() {
		end = c.EndedAt
	}
	s := int(max(end.Sub(c.Answered), 0) / time.Second)
	h, m, sec := s/3600, s/60%60, s%60
	two := func(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
	if h > 0 {
		return strconv.Itoa(h) + ":" + two(m) + ":" + two(sec)
	}
	return two(s/60) + ":" + two(sec)
}

// StateText says where the call stands.
func StateText(c call.Info) string {
	switch c.State {
	case call.Dialing:
		return "Calling…"
	case call.Ringing:
		return "Ringing…"
	case call.Incoming:
		return "Incoming call"
	case call.Connected:
		return "Connected"
	case call.Held:
		return "On hold"
	case call.RemoteHeld:
		return "Held by the other side"
	default:
		return "Call ended"
	}
}

// layoutHeader is who the call is with, its state and duration, and its
// quality.
func (p *Page) layoutHeader(gtx layout.Context, e *env.Env, c call.Info, avatar bool) layout.Dimensions {
	th := e.Theme
	name, uri := widgets.Names(c.Remote)
	handset := e.Size == env.Handset
	status := StateText(c)
	if d := Duration(c, gtx.Now); d != "" {
		status += " · " + d
	}
	if c.Muted {
		status += " · Muted"
	}
	nameSize := unit.Sp(30)
	avSize := gtx.Dp(96)
	if handset {
		nameSize, avSize = 26, gtx.Dp(72)
	}
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if !avatar {
				return layout.Dimensions{}
			}
			return layout.Inset{Bottom: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Avatar(gtx, th, p.ic.person, name, avSize)
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, nameSize, name)
			l.Font.Weight = font.Medium
			l.Alignment = text.Middle
			l.MaxLines = 1
			return widgets.Described(gtx, "In call with "+name, l.Layout)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if uri == "" || uri == name {
				return layout.Dimensions{}
			}
			l := material.Body2(th.Theme, uri)
			l.Color = th.Muted
			l.Alignment = text.Middle
			l.MaxLines = 1
			return l.Layout(gtx)
		}),
		layout.Rigid(layout.Spacer{Height: 6}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Body1(th.Theme, status)
			switch c.State {
			case call.Held, call.RemoteHeld:
				l.Color = th.Warning
			case call.Connected:
				l.Color = th.Fg
			default:
				l.Color = th.Muted
			}
			l.Alignment = text.Middle
			return widgets.Described(gtx, "Call state: "+status, l.Layout)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if !c.Established() {
				return layout.Dimensions{}
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return p.quality.layoutBadge(gtx, th, c.Codec, handset)
			})
		}),
	)
}

// layoutBottom is the hang-up button, with the panel's close button beside
// it when the keypad or the device choice is open.
func (p *Page) layoutBottom(gtx layout.Context, e *env.Env, c call.Info) layout.Dimensions {
	th := e.Theme
	name, _ := widgets.Names(c.Remote)
	size := gtx.Dp(72)
	side := func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Dp(96)
		gtx.Constraints.Max.X = gtx.Dp(96)
		if p.panel == panelControls {
			return layout.Dimensions{Size: image.Pt(gtx.Constraints.Min.X, 0)}
		}
		label, desc := "Hide", "Hide the keypad"
		if p.panel == panelAudio {
			label, desc = "Done", "Close the audio device choice"
		}
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return widgets.PillButton(gtx, th, &p.closePanel, label, desc)
		})
	}
	return layout.Flex{Alignment: layout.Start, Spacing: layout.SpaceSides}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Dimensions{Size: image.Pt(gtx.Dp(96), 0)}
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.RoundButton(gtx, th, &p.hangup, p.ic.hangup, th.Danger, th.OnColor, size, "End call", "Hang up the call with "+name)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			// Centre the close button on the round button, not its label.
			return layout.Inset{Top: unit.Dp(gtx.Metric.PxToDp(size)/2 - 20)}.Layout(gtx, side)
		}),
	)
}
