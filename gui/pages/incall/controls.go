package incall

import (
	"image"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// control is one round button of the grid.
type control struct {
	btn     *widget.Clickable
	icon    *widget.Icon
	label   string
	desc    string
	toggle  bool // a switch (mute, hold): on is drawn filled
	on      bool
	enabled bool
	danger  bool // drawn in the danger colour: the icon when off, the disc when on (recording)
	width   int  // px the control takes; 0: the grid's own
}

// controlsHeight is about the height (dp) of the grid at full size.
const controlsHeight = 3*(60+4+20) + 2*12

// layoutControls is the grid: mute, hold, keypad; transfer, merge,
// record; audio, video, add call. compact makes it smaller, for a phone showing
// the list of calls.
func (p *Page) layoutControls(gtx layout.Context, e *env.Env, c call.Info, legs, live []call.Info, compact bool) layout.Dimensions {
	th := e.Theme
	// Short of height, the grid shrinks rather than being cut.
	compact = compact || gtx.Constraints.Max.Y < gtx.Dp(controlsHeight)
	conf := len(legs) > 1
	mic := p.ic.micOn
	muteDesc := "Mute the microphone"
	if c.Muted {
		mic, muteDesc = p.ic.micOff, "Microphone muted; unmute it"
	}
	hold := control{btn: &p.hold, icon: p.ic.pause, label: "Hold", desc: "Put the call on hold", toggle: true, enabled: c.Established()}
	if c.LocalHold {
		hold.icon, hold.label, hold.desc, hold.on = p.ic.play, "Resume", "Take the call off hold", true
	}
	keypadDesc := "Show the keypad to send tones"
	transferDesc := "Transfer the call to another number or call"
	if conf {
		hold.desc = "Put the conference on hold"
		if c.LocalHold {
			hold.desc = "Take the conference off hold"
		}
		keypadDesc = "Tones cannot go to a conference"
		transferDesc = "Split a call from the conference to transfer it"
	}
	rec := control{btn: &p.record, icon: p.ic.record, label: "Record", desc: "Record the call", toggle: true, enabled: c.Established(), danger: true}
	for _, l := range legs {
		if l.Recording != "" {
			rec.icon, rec.label, rec.desc, rec.on = p.ic.stop, "Stop rec.", "Stop recording the call", true
			break
		}
	}
	rows := [3][]control{
		{
			{btn: &p.mute, icon: mic, label: "Mute", desc: muteDesc, toggle: true, on: c.Muted, enabled: true},
			hold,
			{btn: &p.keypad, icon: p.ic.dialpad, label: "Keypad", desc: keypadDesc, enabled: c.Established() && !conf},
		},
		{
			{btn: &p.transfer, icon: p.ic.transfer, label: "Transfer", desc: transferDesc, enabled: canTransfer(c, legs)},
			{btn: &p.merge, icon: p.ic.merge, label: "Merge", desc: "Merge all calls into a conference", enabled: canMerge(live)},
			rec,
		},
		{
			{btn: &p.audio, icon: p.ic.volume, label: "Audio", desc: "Choose the microphone and speaker", enabled: true},
			p.videoControl(c),
			{btn: &p.addCall, icon: p.ic.add, label: "Add call", desc: "Place another call; this one stays on the list", enabled: true},
		},
	}
	gap := unit.Dp(12)
	if compact {
		gap = 6
	}
	children := make([]layout.FlexChild, 0, 2*len(rows))
	for i, row := range rows {
		if i > 0 {
			children = append(children, layout.Rigid(layout.Spacer{Height: gap}.Layout))
		}
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			cells := make([]layout.FlexChild, 0, 3)
			for _, ctl := range row {
				cells = append(cells, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return layoutControl(gtx, th, ctl, compact)
				}))
			}
			return layout.Flex{Spacing: layout.SpaceSides}.Layout(gtx, cells...)
		}))
	}
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx, children...)
}

// layoutControl draws a round button with its label under it.
func layoutControl(gtx layout.Context, th *theme.Theme, ctl control, compact bool) layout.Dimensions {
	if !ctl.enabled {
		gtx = gtx.Disabled()
	}
	btn := ctl.btn
	return btn.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		if ctl.toggle {
			semantic.Switch.Add(gtx.Ops)
			semantic.SelectedOp(ctl.on).Add(gtx.Ops)
		} else {
			semantic.Button.Add(gtx.Ops)
		}
		semantic.DescriptionOp(ctl.desc).Add(gtx.Ops)
		semantic.EnabledOp(gtx.Enabled()).Add(gtx.Ops)
		size, label := gtx.Dp(60), unit.Sp(14)
		if compact {
			size, label = gtx.Dp(50), 13
		}
		gtx.Constraints.Min.X = gtx.Dp(96)
		gtx.Constraints.Max.X = max(gtx.Constraints.Min.X, min(gtx.Constraints.Max.X/3, gtx.Dp(120)))
		if ctl.width > 0 {
			gtx.Constraints.Min.X, gtx.Constraints.Max.X = ctl.width, ctl.width
		}
		return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				bg, fg := th.Surface, th.Fg
				if ctl.on {
					bg, fg = th.ContrastBg, th.ContrastFg
					if ctl.danger {
						bg, fg = th.Danger, th.OnColor
					}
				}
				if ctl.danger && !ctl.on {
					fg = th.Danger
				}
				switch {
				case !gtx.Enabled():
					fg = th.Muted
					fg.A = 0x90
				case btn.Pressed():
					bg = widgets.Mix(bg, th.Fg, 0.2)
				case btn.Hovered() || gtx.Focused(btn):
					bg = widgets.Mix(bg, th.Fg, 0.08)
				}
				r := image.Rectangle{Max: image.Pt(size, size)}
				paint.FillShape(gtx.Ops, bg, clip.Ellipse(r).Op(gtx.Ops))
				if gtx.Focused(btn) {
					ring := r.Inset(-gtx.Dp(3))
					paint.FillShape(gtx.Ops, th.ContrastBg, clip.Stroke{Path: clip.Ellipse(ring).Path(gtx.Ops), Width: float32(gtx.Dp(2))}.Op())
				}
				gtx.Constraints = layout.Exact(r.Max)
				return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					s := size * 7 / 15
					gtx.Constraints = layout.Exact(image.Pt(s, s))
					return ctl.icon.Layout(gtx, fg)
				})
			}),
			layout.Rigid(layout.Spacer{Height: 4}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, label, ctl.label)
				l.Alignment = text.Middle
				l.MaxLines = 1
				if ctl.on {
					l.Font.Weight = font.Medium
				}
				if !gtx.Enabled() {
					l.Color = th.Muted
				}
				return l.Layout(gtx)
			}),
		)
	})
}
