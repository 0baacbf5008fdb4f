// Package dialpad is the screen for typing a number or address and calling
// it: keypad, text field (typing and pasting work), account choice, call;
// over them, do not disturb, the forwarding in force and voicemail.
package dialpad

import (
	"context"
	"image"
	"image/color"
	"strconv"
	"strings"
	"sync"
	"time"

	"gioui.org/io/key"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// longPress is how long 0 is held to type +, or 1–9 to call the
// speed-dial slot.
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
	bar      bar

	// Shared with the lookups (e.Run goroutines).
	mu      sync.Mutex
	cache   map[string][]suggestion // by typed text
	pending map[string]bool         // texts being looked up
	gen     int                     // bumps when the cache is reset

	// Frame goroutine only.
	typed   string    // the text the suggestions follow
	typedAt time.Time // when it last changed
	shown   []suggestion
	rows    [maxSuggestions]suggestionRow
	fixedH  int // height of the column without the suggestions, last frame
	icCall  *widget.Icon
	icBack  *widget.Icon
}

// suggestionRow is the controls of one suggestion.
type suggestionRow struct {
	fill, call widget.Clickable
}

// New makes the page.
func New() *Page {
	p := &Page{icCall: widgets.MustIcon(icons.CommunicationCall), icBack: widgets.MustIcon(icons.ContentBackspace)}
	p.resetCacheLocked()
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
	suggH, total := 0, gtx.Constraints.Max.Y
	dims := layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if p.bar.st.accounts == 0 {
				return layout.Dimensions{}
			}
			return layout.Inset{Bottom: 10}.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return p.layoutBar(gtx, th) })
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutAccounts(gtx, e) }),
		layout.Rigid(layout.Spacer{Height: unit.Dp(8)}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			ed := material.Editor(th.Theme, &p.Number, "Number or sip:address")
			ed.TextSize = unit.Sp(26)
			return widgets.Described(gtx, "Number to call", ed.Layout)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			// As many suggestions as fit above the keypad.
			gtx.Constraints.Max.Y = max(0, min(gtx.Constraints.Max.Y, total-p.fixedH))
			d := p.layoutSuggestions(gtx, th)
			suggH = d.Size.Y
			return d
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
					// An icon, not "⌫": the embedded fonts have no such glyph.
					return iconButton(gtx, th, &p.back, p.icBack, "Delete the last character", th.Surface, th.Fg)
				}),
			)
		}),
	)
	p.fixedH = dims.Size.Y - suggH
	return dims
}

// layoutSuggestions lists the contacts and recent numbers matching the
// typed text, as many as fit in the height given.
func (p *Page) layoutSuggestions(gtx layout.Context, th *theme.Theme) layout.Dimensions {
	rowH := gtx.Dp(44)
	top := gtx.Dp(8)
	n := min(len(p.shown), (gtx.Constraints.Max.Y-top)/rowH)
	if n <= 0 {
		return layout.Dimensions{}
	}
	children := make([]layout.FlexChild, 0, n+1)
	children = append(children, layout.Rigid(layout.Spacer{Height: unit.Dp(8)}.Layout))
	for i, s := range p.shown[:n] {
		children = append(children, layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.Y, gtx.Constraints.Max.Y = rowH, rowH
			return p.layoutSuggestion(gtx, th, &p.rows[i], s)
		}))
	}
	gtx.Constraints.Min.X = gtx.Constraints.Max.X
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx, children...)
}

// layoutSuggestion is one row: tap it to fill the number in, or its call
// button to call it.
func (p *Page) layoutSuggestion(gtx layout.Context, th *theme.Theme, r *suggestionRow, s suggestion) layout.Dimensions {
	return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			return r.fill.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				semantic.Button.Add(gtx.Ops)
				semantic.DescriptionOp("Fill in " + s.title() + ", " + s.Number).Add(gtx.Ops)
				size := gtx.Constraints.Max // the row: Flex gives no minimum height
				if r.fill.Hovered() || r.fill.Pressed() {
					bg := th.ContrastBg
					bg.A = 0x30
					paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: size}, gtx.Dp(8)).Op(gtx.Ops))
				}
				gtx.Constraints = layout.Exact(size)
				return layout.Inset{Left: 12, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return layout.W.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						gtx.Constraints.Min.Y = 0 // W keeps it: the text would sit at the top
						return p.layoutSuggestionText(gtx, th, s)
					})
				})
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return r.call.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				semantic.Button.Add(gtx.Ops)
				semantic.DescriptionOp("Call " + s.title() + ", " + s.Number).Add(gtx.Ops)
				sz := gtx.Dp(40)
				rr := image.Rectangle{Max: image.Pt(sz, sz)}
				bg := th.Accept
				if r.call.Hovered() || r.call.Pressed() {
					bg = widgets.Mix(bg, th.Fg, 0.2)
				}
				paint.FillShape(gtx.Ops, bg, clip.Ellipse(rr).Op(gtx.Ops))
				gtx.Constraints = layout.Exact(rr.Max)
				return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints = layout.Exact(image.Pt(gtx.Dp(22), gtx.Dp(22)))
					return p.icCall.Layout(gtx, th.OnColor)
				})
			})
		}),
	)
}

// layoutSuggestionText is the name, then the number (muted), on one line.
func (p *Page) layoutSuggestionText(gtx layout.Context, th *theme.Theme, s suggestion) layout.Dimensions {
	number := s.Number
	if s.Recent {
		number = "Recent · " + number
	}
	if s.Name == "" {
		l := material.Body1(th.Theme, number)
		l.MaxLines = 1
		return l.Layout(gtx)
	}
	return layout.Flex{Alignment: layout.Baseline}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Max.X = gtx.Constraints.Max.X * 3 / 5
			l := material.Body1(th.Theme, s.Name)
			l.MaxLines = 1
			return l.Layout(gtx)
		}),
		layout.Rigid(layout.Spacer{Width: unit.Dp(8)}.Layout),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			l := material.Body2(th.Theme, number)
			l.Color, l.MaxLines = th.Muted, 1
			return l.Layout(gtx)
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

// iconButton is button with an icon as tall as button's 20 sp label
// (the rows line up).
func iconButton(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, ic *widget.Icon, desc string, bg, fg color.NRGBA) layout.Dimensions {
	bl := material.ButtonLayout(th.Theme, clk)
	bl.Background = bg
	return bl.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		return layout.Inset{Top: 12, Bottom: 12, Left: 16, Right: 16}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				s := gtx.Sp(24)
				gtx.Constraints = layout.Exact(image.Pt(s, s))
				return ic.Layout(gtx, fg)
			})
		})
	})
}

// update handles clicks and keys before drawing, as Gio's examples do.
func (p *Page) update(gtx layout.Context, e *env.Env) {
	p.bar.st = readBar(e.Model, p.Account)
	p.updateBar(gtx, e)
	if !p.focused {
		// Typing goes to the number field from the first key press.
		gtx.Execute(key.FocusCmd{Tag: &p.Number})
		p.focused = true
	}
	for i := range p.pad {
		for p.pad[i].Clicked(gtx) {
			d := widgets.Keys[i].Digit
			if heldLong(p.pad[i].History(), gtx.Now) {
				if d == "0" {
					d = "+"
				} else if p.speedDial(e, d) {
					continue
				}
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
	for i := range p.rows {
		r := &p.rows[i]
		fill, call := r.fill.Clicked(gtx), r.call.Clicked(gtx)
		if i >= len(p.shown) {
			continue
		}
		switch s := p.shown[i]; {
		case call:
			p.dialTo(e, s.Number)
		case fill:
			p.Number.SetText(s.Number)
			n := len([]rune(s.Number))
			p.Number.SetCaret(n, n)
			gtx.Execute(key.FocusCmd{Tag: &p.Number})
		}
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
	p.watchText(gtx, e)
}

// speedDial calls the number of the slot of the held digit d (1–9), and
// reports whether it did: only when nothing is typed and no call takes
// the digits as tones.
func (p *Page) speedDial(e *env.Env, d string) bool {
	slot, err := strconv.Atoi(d)
	if err != nil || slot < 1 || slot > 9 || strings.TrimSpace(p.Number.Text()) != "" {
		return false
	}
	if c, ok := e.Model.Active(); ok && c.Established() {
		return false
	}
	account := p.Account
	e.Run("Speed dial "+d, func(ctx context.Context) error {
		sd, ok, err := e.Phone.SpeedDial(ctx, slot)
		if err != nil {
			return err
		}
		if !ok || strings.TrimSpace(sd.Number) == "" {
			return errEmptySlot
		}
		_, err = e.Phone.Dial(ctx, sd.Number, core.DialOptions{Account: account, HoldOthers: true})
		return err
	})
	return true
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
	p.dialTo(e, p.Number.Text())
}

// dialTo places the call to to and empties the field.
func (p *Page) dialTo(e *env.Env, to string) {
	to = strings.TrimSpace(to)
	if to == "" {
		return
	}
	account := p.Account
	e.Run("Call "+to, func(ctx context.Context) error {
		_, err := e.Phone.Dial(ctx, to, core.DialOptions{Account: account, HoldOthers: true})
		return err
	})
	p.Number.SetText("")
}

func (p *Page) sendDTMFIfInCall(e *env.Env, d string) {
	if c, ok := e.Model.Active(); ok && c.Established() {
		id := c.ID
		e.Run("DTMF", func(context.Context) error { return e.Phone.SendDTMF(id, d) })
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
	for _, a := range e.Model.Accounts {
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
	} else if k.Digit >= "1" && k.Digit <= "9" {
		desc += ", hold for speed dial"
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
