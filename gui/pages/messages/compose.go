package messages

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutCompose is the message field and Send; Enter sends.
func (p *Page) layoutCompose(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	p.handleCompose(gtx, e)
	return layout.Inset{Top: 8, Bottom: 8, Left: 12, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "Message", func(gtx layout.Context) layout.Dimensions {
					return widgets.TextBox(gtx, th, &p.compose, "Message", false, nil)
				})
			}),
			layout.Rigid(layout.Spacer{Width: 4}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.TintedIconButton(gtx, th, &p.sendBtn, icSend, "Send the message", th.ContrastBg)
			}),
		)
	})
}

// handleTo moves from the address to the message on Enter. It runs
// before the address field is laid out: laying an editor out consumes its
// events.
func (p *Page) handleTo(gtx layout.Context) {
	for {
		ev, ok := p.to.Update(gtx)
		if !ok {
			break
		}
		switch ev.(type) {
		case widget.SubmitEvent:
			gtx.Execute(key.FocusCmd{Tag: &p.compose})
		case widget.ChangeEvent:
			p.toErr = ""
		}
	}
}

// handleCompose sends on Enter or Send and puts back the text of a send
// that failed. It runs before the message field is laid out.
func (p *Page) handleCompose(gtx layout.Context, e *env.Env) {
	p.mu.Lock()
	back, next := p.back, p.openNext
	p.back, p.openNext = "", ""
	p.mu.Unlock()
	if next != "" && p.newThread {
		p.Open(next) // the new conversation's address, as the phone wrote it
	}
	if back != "" && p.compose.Len() == 0 {
		p.compose.SetText(back)
		p.compose.SetCaret(p.compose.Len(), p.compose.Len())
	}
	if p.focus {
		p.focus = false
		tag := any(&p.compose)
		if p.newThread {
			tag = &p.to
		}
		gtx.Execute(key.FocusCmd{Tag: tag})
	}
	submit := p.sendBtn.Clicked(gtx)
	for {
		ev, ok := p.compose.Update(gtx)
		if !ok {
			break
		}
		if _, ok := ev.(widget.SubmitEvent); ok {
			submit = true
		}
	}
	if !submit {
		return
	}
	text := strings.TrimSpace(p.compose.Text())
	if text == "" {
		return
	}
	to, account := p.peer, p.account()
	if p.newThread {
		addr, err := checkAddress(p.to.Text())
		if err != nil {
			p.toErr = err.Error()
			gtx.Execute(key.FocusCmd{Tag: &p.to})
			return
		}
		to, account = addr, ""
	}
	if len(text) > core.MaxMessageBytes {
		e.Run("Send message", func(context.Context) error {
			return fmt.Errorf("the message is %d bytes long; at most %d can be sent", len(text), core.MaxMessageBytes)
		})
		return
	}
	p.compose.SetText("")
	p.send(e, to, account, text)
}

// send sends text to to; the message shows at once (sending), and its
// text comes back to the field if the phone refuses it.
func (p *Page) send(e *env.Env, to, account, text string) {
	isNew := p.newThread
	e.Run("Send message", func(context.Context) error {
		m, err := e.Phone.SendMessage(account, to, text)
		if err != nil {
			p.mu.Lock()
			p.back = text
			p.mu.Unlock()
			return err
		}
		p.note(m)
		if isNew {
			p.mu.Lock()
			p.openNext = m.Peer
			if p.openNext == "" {
				p.openNext = to
			}
			p.mu.Unlock()
		}
		return nil
	})
}

// checkAddress validates an address typed for a new conversation: the
// phone resolves it as it does for a call, but it must be one token
// without characters that could end a SIP header or URI.
func checkAddress(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errors.New("type an address: a name, a number or sip:user@host")
	case len(s) > 256:
		return "", errors.New("the address is too long")
	case core.IsPhoneNumber(s) && !strings.Contains(s, "@"):
		// A number as people write it: drop the separators.
		s = strings.Map(func(r rune) rune {
			if strings.ContainsRune(" -.()/\t\u00a0", r) {
				return -1
			}
			return r
		}, s)
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`\\,", r) {
			return "", fmt.Errorf("an address cannot hold %q", r)
		}
	}
	return s, nil
}
