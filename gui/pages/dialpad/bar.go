package dialpad

import (
	"context"
	"image"
	"image/color"
	"strconv"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// bar is the strip over the dialpad: do not disturb, forwarding and
// voicemail, as the phone's state (configuration and MWI) has them.
type bar struct {
	dnd, vm widget.Clickable

	// Frame goroutine only.
	st barState

	// Under Page.mu: written by the commands' goroutines.
	dndWant *bool // the DND asked for, until the command is done
}

// barState is what the bar shows.
type barState struct {
	accounts  int  // enabled accounts; no bar without one
	dnd       bool // every enabled account refuses calls (State.DND)
	fwdTarget string
	fwdWhen   string // "" (always), "when busy", ...
	fwdMore   int    // other accounts forwarding elsewhere
	vmNew     int
	vmAccount string // the account DialVoicemail calls; "" = no number set
}

var (
	icDNDOn   = widgets.MustIcon(icons.NotificationDoNotDisturbOn)
	icDNDOff  = widgets.MustIcon(icons.NotificationDoNotDisturbOff)
	icForward = widgets.MustIcon(icons.NotificationPhoneForwarded)
	icVM      = widgets.MustIcon(icons.CommunicationVoicemail)
)

// readBar sums up the configuration in force and the voicemail status
// of the frame's model; chosen is the account the dialpad calls from
// ("" = automatic).
func readBar(m env.Model, chosen string) barState {
	var st barState
	cfg := m.Config
	st.dnd = m.DND()
	hasNumber := map[string]bool{}
	for _, a := range cfg.Accounts {
		if !a.Enabled {
			continue
		}
		st.accounts++
		if a.Voicemail != "" {
			hasNumber[a.Name] = true
		}
		if !a.Forwarding() {
			continue
		}
		target, when := a.ForwardAlways, ""
		switch {
		case target != "":
		case a.ForwardBusy != "" && a.ForwardNoAnswer != "":
			target, when = a.ForwardBusy, "when busy or not answered"
		case a.ForwardBusy != "":
			target, when = a.ForwardBusy, "when busy"
		default:
			target, when = a.ForwardNoAnswer, "when not answered"
		}
		if st.fwdTarget == "" {
			st.fwdTarget, st.fwdWhen = target, when
		} else if target != st.fwdTarget {
			st.fwdMore++
		}
	}
	vms := m.Voicemail
	for _, v := range vms {
		st.vmNew += v.New
		if v.Number != "" {
			hasNumber[v.Account] = true
		}
	}
	// Call the chosen account's voicemail, else the one with messages,
	// else any that has a number.
	switch {
	case hasNumber[chosen]:
		st.vmAccount = chosen
	default:
		for _, v := range vms {
			if v.New > 0 && hasNumber[v.Account] {
				st.vmAccount = v.Account
				break
			}
		}
		if st.vmAccount == "" {
			for _, a := range cfg.Accounts {
				if a.Enabled && hasNumber[a.Name] {
					st.vmAccount = a.Name
					break
				}
			}
		}
	}
	return st
}

// updateBar handles the DND and voicemail taps.
func (p *Page) updateBar(gtx layout.Context, e *env.Env) {
	b := &p.bar
	if b.dnd.Clicked(gtx) && b.st.accounts > 0 {
		on := !p.dndShown()
		p.mu.Lock()
		b.dndWant = &on
		p.mu.Unlock()
		e.Run("Do not disturb", func(ctx context.Context) error {
			// Once set, the phone's state has it.
			err := e.Phone.SetDND(ctx, "", on)
			p.mu.Lock()
			b.dndWant = nil
			p.mu.Unlock()
			return err
		})
	}
	if b.vm.Clicked(gtx) && b.st.vmAccount != "" {
		account := b.st.vmAccount
		e.Run("Voicemail", func(ctx context.Context) error {
			_, err := e.Phone.DialVoicemail(ctx, account)
			return err
		})
	}
}

// dndShown is the DND state to draw: the one asked for while the command
// runs.
func (p *Page) dndShown() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.bar.dndWant != nil {
		return *p.bar.dndWant
	}
	return p.bar.st.dnd
}

// layoutBar draws the DND switch and the voicemail button on a row, and
// the forwarding badge under them when forwarding is on.
func (p *Page) layoutBar(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	st := p.bar.st
	if st.accounts == 0 {
		return layout.Dimensions{}
	}
	dnd := p.dndShown()
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutDND(gtx, th, dnd) }),
				layout.Flexed(1, layout.Spacer{Width: 8}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutVoicemail(gtx, th, st) }),
			)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if st.fwdTarget == "" {
				return layout.Dimensions{}
			}
			s := "Forwarding on → " + st.fwdTarget
			if st.fwdWhen != "" {
				s += " " + st.fwdWhen
			}
			if st.fwdMore > 0 {
				s += " (+" + strconv.Itoa(st.fwdMore) + ")"
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, s, func(gtx layout.Context) layout.Dimensions {
					return pill(gtx, th, icForward, s, widgets.MulAlpha(th.Warning, 0x2a), th.Fg, th.Warning, nil)
				})
			})
		}),
	)
}

func (p *Page) layoutDND(gtx layout.Context, th *theme.Theme, on bool) layout.Dimensions {
	desc := "Do not disturb is off: turn it on to refuse calls"
	ic, label, bg, fg, icCol := icDNDOff, "Do not disturb", th.Surface, th.Fg, th.Muted
	if on {
		desc = "Do not disturb is on: calls are refused; turn it off"
		ic, label, bg, fg, icCol = icDNDOn, "Do not disturb: on", th.Danger, th.OnColor, th.OnColor
	}
	b := &p.bar.dnd
	return b.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.Switch.Add(gtx.Ops)
		semantic.SelectedOp(on).Add(gtx.Ops)
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		if b.Hovered() || gtx.Focused(b) {
			bg = widgets.Mix(bg, th.Fg, 0.1)
		}
		return pill(gtx, th, ic, label, bg, fg, icCol, nil)
	})
}

func (p *Page) layoutVoicemail(gtx layout.Context, th *theme.Theme, st barState) layout.Dimensions {
	b := &p.bar.vm
	desc := "Call your voicemail"
	label := "Voicemail"
	switch {
	case st.vmAccount == "":
		desc = "Voicemail: no number set; add one to the account's call handling"
		label = "Voicemail: no number"
		gtx = gtx.Disabled()
	case st.vmNew == 1:
		desc = "Call your voicemail: 1 new message"
	case st.vmNew > 1:
		desc = "Call your voicemail: " + strconv.Itoa(st.vmNew) + " new messages"
	}
	if st.vmAccount == "" && st.vmNew > 0 {
		desc += " (" + strconv.Itoa(st.vmNew) + " new messages)"
	}
	return b.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.Button.Add(gtx.Ops)
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		semantic.EnabledOp(gtx.Enabled()).Add(gtx.Ops)
		bg, fg, icCol := th.Surface, th.Fg, th.ContrastBg
		if th.Dark {
			icCol = th.Fg
		}
		switch {
		case !gtx.Enabled():
			fg, icCol = th.Muted, widgets.MulAlpha(th.Muted, 0xa0)
		case b.Hovered() || gtx.Focused(b):
			bg = widgets.Mix(bg, th.Fg, 0.1)
		}
		return pill(gtx, th, icVM, label, bg, fg, icCol, func(gtx layout.Context) layout.Dimensions {
			if st.vmNew == 0 {
				return layout.Dimensions{}
			}
			return layout.Inset{Left: 6}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return countBadge(gtx, th, st.vmNew)
			})
		})
	})
}

// pill is a rounded label with an icon and an optional trailing widget;
// a long label wraps to a second line.
func pill(gtx layout.Context, th *theme.Theme, ic *widget.Icon, label string, bg, fg, icCol color.NRGBA, trailing layout.Widget) layout.Dimensions {
	m := op.Record(gtx.Ops)
	dims := layout.Inset{Top: 8, Bottom: 8, Left: 10, Right: 14}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, ic, 18, icCol) }),
			layout.Rigid(layout.Spacer{Width: 6}.Layout),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				gtx.Constraints.Min.X = 0
				l := material.Label(th.Theme, unit.Sp(14), label)
				l.Color, l.Font.Weight, l.MaxLines = fg, font.Medium, 2
				return l.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if trailing == nil {
					return layout.Dimensions{}
				}
				return trailing(gtx)
			}),
		)
	})
	call := m.Stop()
	r := image.Rectangle{Max: dims.Size}
	paint.FillShape(gtx.Ops, bg, clip.UniformRRect(r, min(r.Dy()/2, gtx.Dp(18))).Op(gtx.Ops))
	call.Add(gtx.Ops)
	return dims
}

// countBadge is the red disc with the number of new messages.
func countBadge(gtx layout.Context, th *theme.Theme, n int) layout.Dimensions {
	s := strconv.Itoa(n)
	if n > 99 {
		s = "99+"
	}
	m := op.Record(gtx.Ops)
	dims := layout.Inset{Left: 5, Right: 5, Top: 1, Bottom: 1}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		l := material.Label(th.Theme, unit.Sp(11), s)
		l.Color, l.Font.Weight = th.OnColor, font.Bold
		return l.Layout(gtx)
	})
	call := m.Stop()
	sz := image.Pt(max(dims.Size.X, dims.Size.Y), dims.Size.Y)
	paint.FillShape(gtx.Ops, th.Danger, clip.UniformRRect(image.Rectangle{Max: sz}, sz.Y/2).Op(gtx.Ops))
	defer op.Offset(image.Pt((sz.X-dims.Size.X)/2, 0)).Push(gtx.Ops).Pop()
	call.Add(gtx.Ops)
	return layout.Dimensions{Size: sz}
}
