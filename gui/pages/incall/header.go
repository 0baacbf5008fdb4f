package incall

import (
	"image"
	"image/color"
	"strconv"
	"strings"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutHeader is who the call is with (or who is in the conference), its
// state and duration, what happened to it (transfer, forwarding, auto
// answer), the recording light, and the call's quality with its media's
// encryption and network path.
func (p *Page) layoutHeader(gtx layout.Context, e *env.Env, c call.Info, legs []call.Info) layout.Dimensions {
	th := e.Theme
	handset := e.Size == env.Handset
	conf := len(legs) > 1
	name, uri := widgets.Names(c.Remote)
	desc := "In call with " + name
	status := widgets.StateText(c)
	if d := widgets.Duration(c, gtx.Now); d != "" {
		status += " · " + d
	}
	if conf {
		name, uri = "Conference", legNames(legs)
		desc = "In conference with " + uri
		status = confStatus(legs, gtx.Now)
	}
	if c.Muted {
		status += " · Muted"
	}
	nameSize := unit.Sp(30)
	if handset {
		nameSize = 26
	}
	rec, recording := recClock(legs, gtx.Now)
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, nameSize, name)
			l.Font.Weight = font.Medium
			l.Alignment = text.Middle
			l.MaxLines = 1
			return widgets.Described(gtx, desc, l.Layout)
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
			if conf {
				return layout.Dimensions{}
			}
			return layoutInfo(gtx, th, c)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if !recording {
				return layout.Dimensions{}
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return recLight(gtx, th, rec)
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			// A conference's legs each have their own figures: the badge
			// of one would say little.
			if !c.Established() || conf {
				return layout.Dimensions{}
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return p.quality.layoutBadge(gtx, th, c.Codec, secureMark(th, p.ic.lock, c.Encryption), handset)
			})
		}),
	)
}

// confStatus is "Conference of 3 · 05:12", timed from the first answer.
func confStatus(legs []call.Info, now time.Time) string {
	first := legs[0]
	held := true
	for _, l := range legs {
		if !l.Answered.IsZero() && (first.Answered.IsZero() || l.Answered.Before(first.Answered)) {
			first = l
		}
		held = held && l.LocalHold
	}
	s := "Conference of " + strconv.Itoa(len(legs))
	if held {
		s += " · On hold"
	}
	if d := widgets.Duration(first, now); d != "" {
		s += " · " + d
	}
	return s
}

// legNames lists who is in the conference.
func legNames(legs []call.Info) string {
	var b strings.Builder
	for i, l := range legs {
		if i > 0 {
			b.WriteString(", ")
		}
		n, _ := widgets.Names(l.Remote)
		b.WriteString(n)
	}
	return b.String()
}

// infoLine is a line under the call's state: what became of it.
type infoLine struct {
	text string
	col  color.NRGBA
}

// infoLines say who referred or forwarded the call, whether it was
// answered automatically, and where its transfer stands.
func infoLines(th *theme.Theme, c call.Info) []infoLine {
	var out []infoLine
	if t := TransferText(c.Transfer); t != "" {
		col := th.Muted
		switch {
		case strings.HasPrefix(c.Transfer, "failed"):
			col = th.Danger
		case c.Transfer == "done":
			col = th.Accept
		}
		out = append(out, infoLine{t, col})
	}
	if c.ReferredBy != "" {
		out = append(out, infoLine{"Referred by " + widgets.PartyName(c.ReferredBy), th.Muted})
	}
	if c.Redirected != "" {
		out = append(out, infoLine{"Forwarded to " + widgets.PartyName(c.Redirected), th.Muted})
	}
	if c.AutoAnswer {
		out = append(out, infoLine{"Answered automatically", th.Muted})
	}
	return out
}

func layoutInfo(gtx layout.Context, th *theme.Theme, c call.Info) layout.Dimensions {
	if c.Transfer == "" && c.ReferredBy == "" && c.Redirected == "" && !c.AutoAnswer {
		return layout.Dimensions{} // the usual case: nothing to build
	}
	lines := infoLines(th, c)
	children := make([]layout.FlexChild, 0, len(lines))
	for _, ln := range lines {
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Body2(th.Theme, ln.text)
				l.Color, l.Alignment, l.MaxLines = ln.col, text.Middle, 2
				if ln.col == th.Danger {
					l.Font.Weight = font.Medium
				}
				return widgets.Described(gtx, ln.text, l.Layout)
			})
		}))
	}
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx, children...)
}

// TransferText says where a transfer stands, from call.Info.Transfer.
func TransferText(t string) string {
	switch {
	case t == "":
		return ""
	case t == "trying":
		return "Transferring…"
	case t == "ringing":
		return "Transferring… ringing"
	case t == "done":
		return "Transferred"
	case strings.HasPrefix(t, "failed"):
		why := strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "failed"), ":"))
		if why == "" {
			return "Transfer failed"
		}
		return "Transfer failed: " + why
	}
	return "Transferring… " + t
}

// recLight is the red recording pill: a dot, "REC" and the time (none
// when elapsed is "": a phone that does not say when it started).
func recLight(gtx layout.Context, th *theme.Theme, elapsed string) layout.Dimensions {
	label, desc := "REC", "Recording"
	if elapsed != "" {
		label, desc = "REC "+elapsed, "Recording · "+elapsed
	}
	return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
		return layout.Stack{Alignment: layout.Center}.Layout(gtx,
			layout.Expanded(func(gtx layout.Context) layout.Dimensions {
				r := image.Rectangle{Max: gtx.Constraints.Min}
				paint.FillShape(gtx.Ops, th.Danger, clip.UniformRRect(r, r.Dy()/2).Op(gtx.Ops))
				return layout.Dimensions{Size: r.Max}
			}),
			layout.Stacked(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 3, Bottom: 3, Left: 10, Right: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
						layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Dot(gtx, th.OnColor, 10) }),
						layout.Rigid(layout.Spacer{Width: 6}.Layout),
						layout.Rigid(func(gtx layout.Context) layout.Dimensions {
							l := material.Label(th.Theme, unit.Sp(14), label)
							l.Color, l.Font.Weight = th.OnColor, font.Bold
							return l.Layout(gtx)
						}),
					)
				})
			}),
		)
	})
}

// groupAvatar is the round badge of a conference, with a group icon.
func groupAvatar(gtx layout.Context, th *theme.Theme, icon func(layout.Context, color.NRGBA) layout.Dimensions, size int) layout.Dimensions {
	r := image.Rectangle{Max: image.Pt(size, size)}
	paint.FillShape(gtx.Ops, widgets.MulAlpha(th.ContrastBg, 0x33), clip.Ellipse(r).Op(gtx.Ops))
	gtx.Constraints = layout.Exact(r.Max)
	return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		s := size / 2
		gtx.Constraints = layout.Exact(image.Pt(s, s))
		c := th.ContrastBg
		if th.Dark {
			c = th.Fg
		}
		return icon(gtx, c)
	})
}

// bottomHeight is about the height (dp) of layoutBottom.
func bottomHeight(compact bool) unit.Dp {
	if compact {
		return 92
	}
	return 104
}

// layoutBottom is the hang-up button, with the panel's close button beside
// it when the keypad, the device choice or the transfer is open.
func (p *Page) layoutBottom(gtx layout.Context, e *env.Env, c call.Info, legs []call.Info, compact bool) layout.Dimensions {
	th := e.Theme
	name, _ := widgets.Names(c.Remote)
	desc := "Hang up the call with " + name
	if len(legs) > 1 {
		desc = "Hang up the conference: all " + strconv.Itoa(len(legs)) + " calls"
	}
	size := gtx.Dp(72)
	if compact {
		size = gtx.Dp(60)
	}
	side := func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Dp(96)
		gtx.Constraints.Max.X = gtx.Dp(96)
		label, desc := "Hide", "Hide the keypad"
		btn := &p.closePanel
		switch {
		case p.panel == panelControls && p.video.grid && videoOn(c):
			label, desc, btn = "Video", "Back to the video", &p.video.back
		case p.panel == panelControls:
			return layout.Dimensions{Size: image.Pt(gtx.Constraints.Min.X, 0)}
		}
		switch p.panel {
		case panelAudio:
			label, desc = "Done", "Close the audio device choice"
		case panelTransfer:
			label, desc = "Cancel", "Close the transfer without transferring"
		case panelShare:
			label, desc = "Cancel", "Close the share choice without sharing"
		}
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return widgets.PillButton(gtx, th, btn, label, desc)
		})
	}
	return layout.Flex{Alignment: layout.Start, Spacing: layout.SpaceSides}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Dimensions{Size: image.Pt(gtx.Dp(96), 0)}
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.RoundButton(gtx, th, &p.hangup, p.ic.hangup, th.Danger, th.OnColor, size, "End call", desc)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			// Centre the close button on the round button, not its label.
			return layout.Inset{Top: unit.Dp(gtx.Metric.PxToDp(size)/2 - 20)}.Layout(gtx, side)
		}),
	)
}
