package history

import (
	"context"
	"image/color"

	"gioui.org/font"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
)

// deleteCall removes the entry from the list at once and from the source
// off the frame goroutine (reloading if that fails).
func (p *Page) deleteCall(e *env.Env, id int64) {
	p.mu.Lock()
	src := p.src
	for i, c := range p.calls {
		if c.ID == id {
			calls := make([]store.Call, 0, len(p.calls)-1)
			p.calls = append(append(calls, p.calls[:i]...), p.calls[i+1:]...)
			p.version++
			break
		}
	}
	p.mu.Unlock()
	if src == nil {
		return
	}
	e.Run("Delete call", func() error {
		ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
		defer cancel()
		if err := src.DeleteCall(ctx, id); err != nil {
			p.Refresh()
			return err
		}
		return nil
	})
}

// chip is a filter button, filled when on.
func chip(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string, on bool) layout.Dimensions {
	bg, fg := th.Surface, th.Fg
	if on {
		bg, fg = th.ContrastBg, th.ContrastFg
	}
	return button(gtx, th, clk, label, desc, bg, fg)
}

// button is a rounded text button; desc is what a screen reader says.
func button(gtx layout.Context, th *theme.Theme, clk *widget.Clickable, label, desc string, bg, fg color.NRGBA) layout.Dimensions {
	st := material.ButtonLayout(th.Theme, clk)
	st.Background, st.CornerRadius = bg, unit.Dp(16)
	return st.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		semantic.DescriptionOp(desc).Add(gtx.Ops)
		return layout.Inset{Top: 8, Bottom: 8, Left: 14, Right: 14}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, unit.Sp(14), label)
			l.Color, l.Font.Weight, l.MaxLines = fg, font.Medium, 1
			return l.Layout(gtx)
		})
	})
}
