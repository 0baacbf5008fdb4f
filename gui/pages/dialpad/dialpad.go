// Package dialpad is the screen for typing a number or address and calling
// it: keypad, text field (typing and pasting work), account choice, call.
package dialpad

import (
	"image/color"
	"strings"
	"time"

	"gioui.org/io/key"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// longPress is how long 0 is held to type +.
const longPress = 600 * time.Millisecond

// Page is the dialpad's state between frames.
type Page struct {
	Number   widget.Editor
	pad      [12]widget.Clickable
	call     widget.Clickable
	back     widget.Clickable
	accounts []widget.Clickable
	Account  string // chosen account; "" = automatic
	focused  bool   // the number field has been given the keyboard once
}

// New makes the page.
func New() *Page {
	p := &Page{}
	p.Number.SingleLine = true
	p.Number.Submit = true
	return p
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(gtx, e)
	th := e.Theme
	return layout.UniformInset(unit.Dp(16)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		// A column at most 420 dp wide, centred: keypad and call button line up.
		return layout.N.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			w := min(gtx.Constraints.Max.X, gtx.Dp(420))
			gtx.Constraints.Min.X, gtx.Constraints.Max.X = w, w
			return p.layoutColumn(gtx, e, th)
		})
	})
}

func (p *Page) layoutColumn(gtx layout.Context, e *env.Env, th *theme.Theme) layout.Dimensions {
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutAccounts(gtx, e) }),
		layout.Rigid(layout.Spacer{Height: unit.Dp(8)}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			ed := material.Editor(th.Theme, &p.Number, "Number or sip:address")
			ed.TextSize = unit.Sp(26)
			return widgets.Described(gtx, "Number to call", ed.Layout)
		}),
		layout.Rigid(layout.Spacer{Height: unit.Dp(12)}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutPad(gtx, e) }),
		layout.Rigid(layout.Spacer{Height: unit.Dp(12)}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Spacing: layout.SpaceSides}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X = gtx.Dp(160)
					return button(gtx, th, &p.call, "Call", "Call the number", th.Accept, th.OnColor, 20)
				}),
				layout.Rigid(layout.Spacer{Width: unit.Dp(16)}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return button(gtx, th, &p.back, "⌫", "Delete the last character", th.Surface, th.Fg, 20)
				}),
			)
		}),
	)
}

// button is a filled button whose description sits on the button itself
// (where screen readers and tests look for it).
func button(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string, bg, fg color.NRGBA, size unit.Sp) layout.Dimensions {
	bl := material.ButtonLayout(th.Theme, clk)
	bl.Background = bg
	return bl.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		return layout.Inset{Top: 12, Bottom: 12, Left: 16, Right: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Label(th.Theme, size, label)
				l.Color = fg
				return l.Layout(gtx)
			})
		})
	})
}

// update handles clicks and keys before drawing, as Gio's examples do.
func (p *Page) update(gtx layout.Context, e *env.Env) {
	if !p.focused {
		// Typing goes to the number field from the first key press.
		gtx.Execute(key.FocusCmd{Tag: &p.Number})
		p.focused = true
	}
	for i := range p.pad {
		for p.pad[i].Clicked(gtx) {
			d := widgets.Keys[i].Digit
			if d == "0" && heldLong(p.pad[i].History(), gtx.Now) {
				d = "+"
			}
			p.Number.Insert(d)
			p.sendDTMFIfInCall(e, d)
		}
	}
	if p.back.Clicked(gtx) {
		p.backspace()
	}
	if p.call.Clicked(gtx) {
		p.dial(e)
	}
	for {
		ev, ok := p.Number.Update(gtx)
		if !ok {
			break
		}
		if _, submit := ev.(widget.SubmitEvent); submit {
			p.dial(e)
		}
	}
	// Digits typed while the field is not focused still type into it.
	for {
		ev, ok := gtx.Event(key.Filter{Name: ""}, key.Filter{Name: key.NameReturn}, key.Filter{Name: key.NameEnter})
		if !ok {
			break
		}
		switch ev := ev.(type) {
		case key.Event:
			if ev.State == key.Press && (ev.Name == key.NameReturn || ev.Name == key.NameEnter) {
				p.dial(e)
			}
		case key.EditEvent:
			p.Number.Insert(filterDialable(ev.Text))
		}
	}
	for i := range p.accounts {
		if p.accounts[i].Clicked(gtx) {
			names := accountNames(e)
			if i < len(names) {
				p.Account = names[i]
			}
		}
	}
}

// heldLong reports whether the press that just ended lasted longPress.
func heldLong(h []widget.Press, now time.Time) bool {
	if len(h) == 0 {
		return false
	}
	last := h[len(h)-1]
	end := last.End
	if end.IsZero() {
		end = now
	}
	return end.Sub(last.Start) >= longPress
}

func (p *Page) backspace() {
	t := p.Number.Text()
	if t == "" {
		return
	}
	r := []rune(t)
	p.Number.SetText(string(r[:len(r)-1]))
	p.Number.SetCaret(len(r)-1, len(r)-1)
}

// dial places the call to what is typed, if anything.
func (p *Page) dial(e *env.Env) {
	to := strings.TrimSpace(p.Number.Text())
	if to == "" {
		return
	}
	account := p.Account
	e.Run("Call "+to, func() error {
		_, err := e.Phone.Dial(to, core.DialOptions{Account: account})
		return err
	})
	p.Number.SetText("")
}

func (p *Page) sendDTMFIfInCall(e *env.Env, d string) {
	if c, ok := e.Model.Active(); ok && c.Established() {
		id := c.ID
		e.Run("DTMF", func() error { return e.Phone.SendDTMF(id, d) })
	}
}

// filterDialable keeps what a phone number or SIP address may hold.
func filterDialable(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r != 0x7f {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func accountNames(e *env.Env) []string {
	var out []string
	for _, a := range e.Model.Snapshot.Accounts {
		out = append(out, a.Account)
	}
	return out
}

// layoutAccounts shows the accounts as chips; the chosen one is filled.
func (p *Page) layoutAccounts(gtx layout.Context, e *env.Env) layout.Dimensions {
	names := accountNames(e)
	th := e.Theme
	if len(names) == 0 {
		l := material.Body2(th.Theme, "No account — direct calls only (sip:user@host)")
		l.Color = th.Muted
		return l.Layout(gtx)
	}
	for len(p.accounts) < len(names) {
		p.accounts = append(p.accounts, widget.Clickable{})
	}
	children := make([]layout.FlexChild, 0, 2*len(names))
	for i, n := range names {
		chosen := p.Account == n || (p.Account == "" && i == 0)
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			bg, fg := th.ContrastBg, th.ContrastFg
			if !chosen {
				bg, fg = th.Surface, th.Fg
			}
			return button(gtx, th, &p.accounts[i], n, "Call from account "+n, bg, fg, 14)
		}), layout.Rigid(layout.Spacer{Width: unit.Dp(8)}.Layout))
	}
	return layout.Flex{}.Layout(gtx, children...)
}

// layoutPad draws the 4×3 keypad.
func (p *Page) layoutPad(gtx layout.Context, e *env.Env) layout.Dimensions {
	return widgets.Pad(gtx, func(gtx layout.Context, i int) layout.Dimensions {
		return p.layoutKey(gtx, e.Theme, i)
	})
}

func (p *Page) layoutKey(gtx layout.Context, th *theme.Theme, i int) layout.Dimensions {
	k := widgets.Keys[i]
	desc := "Key " + k.Digit
	if k.Digit == "0" {
		desc += ", hold for +"
	}
	b := &p.pad[i]
	return widgets.PadKey(gtx, th, b, k, desc, widgets.KeyStyle{
		Height: gtx.Dp(64),
		Bg: func(layout.Context) color.NRGBA {
			if b.Hovered() || b.Pressed() {
				bg := th.ContrastBg
				bg.A = 0x30
				return bg
			}
			return th.Surface
		},
		DigitSize:   26,
		LetterSize:  th.TextSize * 12 / 16, // a caption
		ShowLetters: true,                  // even empty, so the digits line up
	})
}
