package history

import (
	"context"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// deleteCall removes the entry from the list at once and from the
// phone's records off the frame goroutine (reloading if that fails).
func (p *Page) deleteCall(e *env.Env, id int64) {
	d := p.data
	p.mu.Lock()
	for i, c := range d.Items {
		if c.ID == id {
			calls := make([]core.HistoryEntry, 0, len(d.Items)-1)
			d.Items = append(append(calls, d.Items[:i]...), d.Items[i+1:]...)
			d.Version++
			break
		}
	}
	p.mu.Unlock()
	d.Do(e, "Delete call", func(ctx context.Context, src core.Records) error {
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
	return widgets.TextButton(gtx, th, clk, label, desc, bg, fg)
}
