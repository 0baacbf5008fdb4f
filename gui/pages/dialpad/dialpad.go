// Package dialpad is the screen for typing a number or address and calling
// it: keypad, text field (typing and pasting work), account choice, call.
package dialpad

import (
	"image"
	"strings"
	"time"

	"gioui.org/io/key"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
)

// keys of the pad, in reading order, with the letters printed under them.
var keys = [12]struct{ digit, letters string }{
	{"1", ""}, {"2", "ABC"}, {"3", "DEF"},
	{"4", "GHI"}, {"5", "JKL"}, {"6", "MNO"},
	{"7", "PQRS"}, {"8", "TUV"}, {"9", "WXYZ"},
	{"*", ""}, {"0", "+"}, {"#", ""},
}

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
		gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(420))
		return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutAccounts(gtx, e) }),
			layout.Rigid(layout.Spacer{Height: unit.Dp(8)}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				ed := material.Editor(th.Theme, &p.Number, "Number or sip:address")
				ed.TextSize = unit.Sp(26)
				semantic.DescriptionOp("Number to call").Add(gtx.Ops)
				return ed.Layout(gtx)
			}),
			layout.Rigid(layout.Spacer{Height: unit.Dp(12)}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutPad(gtx, e) }),
			layout.Rigid(layout.Spacer{Height: unit.Dp(12)}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Spacing: layout.SpaceSides}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						b := material.Button(th.Theme, &p.call, "Call")
						b.Background, b.Color = th.Accept, th.OnColor
						b.TextSize = unit.Sp(20)
						b.Inset = layout.UniformInset(unit.Dp(16))
						gtx.Constraints.Min.X = gtx.Dp(160)
						semantic.DescriptionOp("Call the number").Add(gtx.Ops)
						return b.Layout(gtx)
					}),
					layout.Rigid(layout.Spacer{Width: unit.Dp(16)}.Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						b := material.Button(th.Theme, &p.back, "⌫")
						b.Background, b.Color = th.Surface, th.Fg
						b.TextSize = unit.Sp(20)
						b.Inset = layout.UniformInset(unit.Dp(16))
						semantic.DescriptionOp("Delete the last character").Add(gtx.Ops)
						return b.Layout(gtx)
					}),
				)
			}),
		)
	})
}

// update handles clicks and keys before drawing, as Gio's examples do.
func (p *Page) update(gtx layout.Context, e *env.Env) {
	for i := range p.pad {
		for p.pad[i].Clicked(gtx) {
			d := keys[i].digit
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
			b := material.Button(th.Theme, &p.accounts[i], n)
			b.TextSize = unit.Sp(14)
			b.Inset = layout.Inset{Top: 6, Bottom: 6, Left: 12, Right: 12}
			if !chosen {
				b.Background, b.Color = th.Surface, th.Fg
			}
			semantic.DescriptionOp("Call from account " + n).Add(gtx.Ops)
			return b.Layout(gtx)
		}), layout.Rigid(layout.Spacer{Width: unit.Dp(8)}.Layout))
	}
	return layout.Flex{}.Layout(gtx, children...)
}

// layoutPad draws the 4×3 keypad.
func (p *Page) layoutPad(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	rows := make([]layout.FlexChild, 0, 4)
	for r := range 4 {
		rows = append(rows, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			cols := make([]layout.FlexChild, 0, 3)
			for c := range 3 {
				i := r*3 + c
				cols = append(cols, layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return layout.UniformInset(unit.Dp(4)).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return p.layoutKey(gtx, th, i)
					})
				}))
			}
			return layout.Flex{}.Layout(gtx, cols...)
		}))
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx, rows...)
}

func (p *Page) layoutKey(gtx layout.Context, th *theme.Theme, i int) layout.Dimensions {
	k := keys[i]
	desc := "Key " + k.digit
	if k.digit == "0" {
		desc += ", hold for +"
	}
	return p.pad[i].Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.Button.Add(gtx.Ops)
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		size := image.Pt(gtx.Constraints.Max.X, gtx.Dp(64))
		bg := th.Surface
		if p.pad[i].Hovered() || p.pad[i].Pressed() {
			bg = th.ContrastBg
			bg.A = 0x30
		}
		rr := gtx.Dp(12)
		paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: size}, rr).Op(gtx.Ops))
		gtx.Constraints = layout.Exact(size)
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					l := material.Label(th.Theme, unit.Sp(26), k.digit)
					return l.Layout(gtx)
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					l := material.Caption(th.Theme, k.letters)
					l.Color = th.Muted
					return l.Layout(gtx)
				}),
			)
		})
	})
}
