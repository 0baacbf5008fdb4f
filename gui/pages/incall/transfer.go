package incall

import (
	"context"
	"strings"
	"unicode"

	"gioui.org/font"
	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// transferForm is the transfer panel: a target to type (blind transfer),
// or another call in progress to hand the shown one to (attended).
type transferForm struct {
	target widget.Editor
	send   widget.Clickable
	to     map[string]*widget.Clickable // by the other call's id
	err    string
}

func (f *transferForm) init() {
	f.target.SingleLine, f.target.Submit = true, true
	f.to = map[string]*widget.Clickable{}
}

func (f *transferForm) button(id string) *widget.Clickable {
	b, ok := f.to[id]
	if !ok {
		b = new(widget.Clickable)
		f.to[id] = b
	}
	return b
}

// openTransfer shows the panel with an empty target, focused.
func (p *Page) openTransfer(gtx layout.Context) {
	p.panel = panelTransfer
	p.xfer.err = ""
	p.xfer.target.SetText("")
	gtx.Execute(key.FocusCmd{Tag: &p.xfer.target})
}

// transferTargets are the calls the shown one can be handed to: the other
// answered calls that are not in a conference.
func transferTargets(live []call.Info, c call.Info) []call.Info {
	var out []call.Info
	for _, o := range live {
		if o.ID != c.ID && o.Established() && !inConference(live, o) {
			out = append(out, o)
		}
	}
	return out
}

func (p *Page) updateTransfer(gtx layout.Context, e *env.Env, c call.Info, live []call.Info) {
	f := &p.xfer
	submit := f.send.Clicked(gtx)
	for {
		ev, ok := f.target.Update(gtx)
		if !ok {
			break
		}
		switch ev.(type) {
		case widget.SubmitEvent:
			submit = true
		case widget.ChangeEvent:
			f.err = ""
		}
	}
	open := p.panel == panelTransfer && canTransfer(c, conferenceOf(live, c))
	if !open {
		if p.panel == panelTransfer {
			p.panel = panelControls // the call went, or a transfer of it started
		}
		clear(f.to)
		return
	}
	if submit {
		target, msg := CheckTarget(f.target.Text())
		if msg != "" {
			f.err = msg
		} else {
			id := c.ID
			e.Run("Transfer", func(ctx context.Context) error { return e.Phone.Transfer(ctx, id, target) })
			p.panel, p.focus = panelControls, true
		}
	}
	others := transferTargets(live, c)
	for _, o := range others {
		if f.button(o.ID).Clicked(gtx) {
			id, consult := c.ID, o.ID
			e.Run("Transfer", func(ctx context.Context) error { return e.Phone.AttendedTransfer(ctx, id, consult) })
			p.panel, p.focus = panelControls, true
		}
	}
	for id := range f.to {
		if !inCalls(others, id) {
			delete(f.to, id)
		}
	}
}

// CheckTarget tidies a typed transfer target and says what is wrong with
// it, if anything: it goes into a Refer-To header, and sipgo does not
// check header values. A phone number loses its spaces, dashes, dots and
// brackets.
func CheckTarget(s string) (target, problem string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", "Type a number or a SIP address"
	}
	if strings.Trim(s, "0123456789+*# -.()") == "" {
		s = strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -.()", r) {
				return -1
			}
			return r
		}, s)
		if s == "" {
			return "", "Type a number or a SIP address"
		}
	}
	if len(s) > 256 {
		return "", "That is too long for a number or an address"
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || strings.ContainsRune(`<>"\,`, r) {
			return "", "A number or address has no spaces, quotes, commas or angle brackets"
		}
	}
	if i := strings.IndexByte(s, ':'); i > 0 {
		scheme := strings.ToLower(s[:i])
		letters := strings.Trim(scheme, "abcdefghijklmnopqrstuvwxyz") == ""
		if letters && scheme != "sip" && scheme != "sips" && scheme != "tel" {
			return "", "Use a sip:, sips: or tel: address"
		}
		if letters && i == len(s)-1 {
			return "", "The address after " + scheme + ": is missing"
		}
	}
	return s, ""
}

// layoutTransfer is the transfer panel.
func (p *Page) layoutTransfer(gtx layout.Context, e *env.Env, c call.Info, live []call.Info) layout.Dimensions {
	th := e.Theme
	f := &p.xfer
	name, _ := widgets.Names(c.Remote)
	others := transferTargets(live, c)
	gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(420))
	gtx.Constraints.Min.X = gtx.Constraints.Max.X
	children := []layout.FlexChild{
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, 17, "Transfer "+name+" to")
			l.Font.Weight, l.MaxLines = font.SemiBold, 1
			return l.Layout(gtx)
		}),
		widgets.VSpace(8),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					desc := "Transfer target"
					if f.err != "" {
						desc += ": " + f.err
					}
					return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
						return widgets.TextBox(gtx, th, &f.target, "Number or sip:address", f.err != "", nil)
					})
				}),
				widgets.HSpace(8),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.Button(gtx, th, &f.send, p.ic.transfer, "Transfer", "Transfer the call to the number typed", widgets.Primary)
				}),
			)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4, Left: 2}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				if f.err != "" {
					return widgets.ErrorLine(gtx, th, f.err)
				}
				return widgets.Label(gtx, th, 12, th.Muted, "Enter transfers at once; the call ends here when it is taken")
			})
		}),
	}
	if len(others) > 0 {
		children = append(children, widgets.VSpace(16), layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Label(gtx, th, 13, th.Muted, "Or hand "+name+" over to a call in progress:")
		}))
	}
	for _, o := range others {
		other, _ := widgets.Names(o.Remote)
		children = append(children, widgets.VSpace(8), layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = gtx.Constraints.Max.X
			return widgets.Button(gtx, th, f.button(o.ID), p.ic.transfer, "Transfer to "+other,
				"Transfer "+name+" to "+other+" ("+strings.ToLower(widgets.StateText(o))+")", widgets.Secondary)
		}))
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
}
