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
}

// layoutControls is the grid: mute, hold, keypad / audio, add call, and
// an empty row kept for transfer, merge and record.
func (p *Page) layoutControls(gtx layout.Context, e *env.Env, c call.Info) layout.Dimensions {
	th := e.Theme
	mic := p.ic.micOn
	muteDesc := "Mute the microphone"
	if c.Muted {
		mic, muteDesc = p.ic.micOff, "Microphone muted; unmute it"
	}
	hold := control{btn: &p.hold, icon: p.ic.pause, label: "Hold", desc: "Put the call on hold", toggle: true, enabled: c.Established()}
	if c.LocalHold {
		hold.icon, hold.label, hold.desc, hold.on = p.ic.play, "Resume", "Take the call off hold", true
	}
	rows := [][]control{
		{
			{btn: &p.mute, icon: mic, label: "Mute", desc: muteDesc, toggle: true, on: c.Muted, enabled: true},
			hold,
			{btn: &p.keypad, icon: p.ic.dialpad, label: "Keypad", desc: "Show the keypad to send tones", enabled: c.Established()},
		},
		{
			{btn: &p.audio, icon: p.ic.volume, label: "Audio", desc: "Choose the microphone and speaker", enabled: true},
			{btn: &p.addCall, icon: p.ic.add, label: "Add call", desc: "Place another call; this one stays on the list", enabled: true},
		},
	}
	gap := gtx.Dp(12)
	children := make([]layout.FlexChild, 0, 2*len(rows)+1)
	for i, row := range rows {
		if i > 0 {
			children = append(children, layout.Rigid(layout.Spacer{Height: unit.Dp(gtx.Metric.PxToDp(gap))}.Layout))
		}
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			cells := make([]layout.FlexChild, 0, 3)
			for _, ctl := range row {
				cells = append(cells, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return layoutControl(gtx, th, ctl)
				}))
			}
			dims := layout.Flex{Spacing: layout.SpaceSides}.Layout(gtx, cells...)
			p.rowHeight = dims.Size.Y
			return dims
		}))
	}
	// Reserved for transfer, merge and record (a later change): empty, so
	// the layout does not jump when they come.
	children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
		return layout.Dimensions{Size: image.Pt(0, gap+p.rowHeight)}
	}))
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx, children...)
}

// layoutControl draws a round button with its label under it.
func layoutControl(gtx layout.Context, th *theme.Theme, ctl control) layout.Dimensions {
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
		size := gtx.Dp(60)
		gtx.Constraints.Min.X = gtx.Dp(96)
		gtx.Constraints.Max.X = max(gtx.Constraints.Min.X, min(gtx.Constraints.Max.X/3, gtx.Dp(120)))
		return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				bg, fg := th.Surface, th.Fg
				if ctl.on {
					bg, fg = th.ContrastBg, th.ContrastFg
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
					s := gtx.Dp(28)
					gtx.Constraints = layout.Exact(image.Pt(s, s))
					return ctl.icon.Layout(gtx, fg)
				})
			}),
			layout.Rigid(layout.Spacer{Height: 6}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, unit.Sp(14), ctl.label)
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
