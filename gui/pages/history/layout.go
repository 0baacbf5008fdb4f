package history

import (
	"context"
	"fmt"
	"image/color"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

var (
	icOut    = widgets.MustIcon(icons.CommunicationCallMade)
	icIn     = widgets.MustIcon(icons.CommunicationCallReceived)
	icMissed = widgets.MustIcon(icons.CommunicationCallMissed)
	icDelete = widgets.MustIcon(icons.ActionDelete)
)

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(e)
	p.handleBar(gtx, e)
	view := p.buildRows(gtx.Now)
	p.markSeen(gtx, e)
	defer p.data.InvalidateIfStale(gtx)
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutBar(gtx, e) }),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions { return p.layoutList(gtx, e, view) }),
	)
}

// buildRows refreshes the day headings and rows when the entries changed
// (only the new ones when a page was appended) and returns the entries
// the rows point into.
func (p *Page) buildRows(now time.Time) []core.HistoryEntry {
	p.mu.Lock()
	calls, version, gen := p.data.Items, p.data.Version, p.data.Gen
	p.mu.Unlock()
	today := now.Local().Format("2006-01-02")
	if version == p.rowsFor && today == p.rowsDay {
		return calls
	}
	from := 0
	old := p.rowsCalls
	if gen == p.rowsGen && today == p.rowsDay && len(old) > 0 && len(calls) >= len(old) &&
		calls[len(old)-1].ID == old[len(old)-1].ID && calls[0].ID == old[0].ID {
		from = len(old) // a page was appended
	} else {
		p.rows, p.lastDay = p.rows[:0], -1
	}
	p.rowsFor, p.rowsDay, p.rowsGen, p.rowsCalls = version, today, gen, calls
	for i := from; i < len(calls); i++ {
		y, m, d := calls[i].Started.Local().Date()
		if key := y*10000 + int(m)*100 + d; key != p.lastDay {
			p.lastDay = key
			p.rows = append(p.rows, row{day: dayLabel(calls[i].Started, now), call: -1})
		}
		p.rows = append(p.rows, row{call: i})
	}
	if len(p.btns) > 4*pageSize {
		p.btns = map[int64]*rowButtons{} // forget the buttons of rows long scrolled past
		p.recBtns = map[int64]*recButtons{}
	}
	return calls
}

// dayLabel names the day of t as seen from now.
func dayLabel(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return "Today"
	case t.Year() == now.AddDate(0, 0, -1).Year() && t.YearDay() == now.AddDate(0, 0, -1).YearDay():
		return "Yesterday"
	case y1 == y2:
		return t.Format("Monday 2 January")
	}
	return t.Format("2 January 2006")
}

// markSeen counts the missed calls as seen once the page has been shown
// for a moment.
func (p *Page) markSeen(gtx layout.Context, e *env.Env) {
	// Once asked, not again until the phone's counts have moved on.
	if e.Model.UnseenMissed == 0 || p.seenAt == e.Model.Journal+1 || !p.available() {
		p.shownSince = time.Time{}
		return
	}
	if p.shownSince.IsZero() || gtx.Now.Sub(p.shownSince) > 10*seenDelay {
		p.shownSince = gtx.Now // (re)shown after a while away
	}
	at := p.shownSince.Add(seenDelay)
	if gtx.Now.Before(at) {
		gtx.Execute(op.InvalidateCmd{At: at})
		return
	}
	p.seenAt, p.shownSince = e.Model.Journal+1, time.Time{}
	p.data.Do(e, "Mark missed calls seen", func(ctx context.Context, src core.Records) error {
		return src.MarkMissedSeen(ctx)
	})
}

func (p *Page) handleBar(gtx layout.Context, e *env.Env) {
	setFilter := func(missed bool) {
		if p.missedOnly == missed {
			return
		}
		p.missedOnly = missed
		p.list.Position = layout.Position{}
		p.data.Clear()
	}
	if p.filterAll.Clicked(gtx) {
		setFilter(false)
	}
	if p.filterMiss.Clicked(gtx) {
		setFilter(true)
	}
	if p.clearAll.Clicked(gtx) {
		p.confirming = true
	}
	if p.cancel.Clicked(gtx) {
		p.confirming = false
	}
	if p.confirm.Clicked(gtx) {
		p.confirming = false
		p.data.Do(e, "Clear history", func(ctx context.Context, src core.Records) error {
			err := src.ClearHistory(ctx)
			p.Refresh()
			return err
		})
	}
}

// layoutBar is the title, the All/Missed filter and Clear all (with its
// confirmation).
func (p *Page) layoutBar(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	unseen, hasSrc := e.Model.UnseenMissed, p.available()
	p.mu.Lock()
	empty := len(p.data.Items) == 0
	p.mu.Unlock()
	return layout.Inset{Top: 12, Bottom: 8, Left: 16, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		if p.confirming {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Flexed(1, material.Body1(th.Theme, "Delete the whole call history?").Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.TextButton(gtx, th, &p.confirm, "Delete all", "Delete the whole call history", th.Danger, th.OnColor)
				}),
				layout.Rigid(layout.Spacer{Width: 8}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return widgets.PlainButton(gtx, th, &p.cancel, "Cancel", "Keep the call history")
				}),
			)
		}
		missed := "Missed"
		if unseen > 0 {
			missed = fmt.Sprintf("Missed (%d)", unseen)
		}
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(widgets.Title(th, "History").Layout),
			layout.Rigid(layout.Spacer{Width: 16}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return chip(gtx, th, &p.filterAll, "All", "Show all calls", !p.missedOnly)
			}),
			layout.Rigid(layout.Spacer{Width: 8}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return chip(gtx, th, &p.filterMiss, missed, "Show missed calls only", p.missedOnly)
			}),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions { return layout.Dimensions{Size: gtx.Constraints.Min} }),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				if !hasSrc || empty {
					return layout.Dimensions{}
				}
				return widgets.PlainButton(gtx, th, &p.clearAll, "Clear all", "Delete all calls from the history")
			}),
		)
	})
}

// layoutList is the virtualised list of headings and calls.
func (p *Page) layoutList(gtx layout.Context, e *env.Env, calls []core.HistoryEntry) layout.Dimensions {
	th := e.Theme
	hasSrc := p.available()
	p.mu.Lock()
	loading, missedOnly := p.data.Loading, p.missedOnly
	p.mu.Unlock()
	if len(p.rows) == 0 {
		msg := "No calls yet"
		switch {
		case !hasSrc:
			msg = "The call history is not available"
		case loading:
			msg = "Loading…"
		case missedOnly:
			msg = "No missed calls"
		}
		return widgets.Centred(gtx, th, msg)
	}
	return material.List(th.Theme, &p.list).Layout(gtx, len(p.rows), func(gtx layout.Context, i int) layout.Dimensions {
		r := p.rows[i]
		if r.call < 0 {
			return widgets.SectionTitle(gtx, th, r.day)
		}
		return p.layoutCall(gtx, e, calls[r.call])
	})
}

// layoutCall is one entry: tap to call back, the bin to delete.
func (p *Page) layoutCall(gtx layout.Context, e *env.Env, c core.HistoryEntry) layout.Dimensions {
	th := e.Theme
	b := p.btns[c.ID]
	if b == nil {
		b = &rowButtons{}
		p.btns[c.ID] = b
	}
	if b.open.Clicked(gtx) && c.RemoteURI != "" {
		to, account := c.RemoteURI, c.Account
		e.Run("Call "+c.Name(), func(ctx context.Context) error {
			_, err := e.Phone.Dial(ctx, to, core.DialOptions{Account: account, HoldOthers: true})
			return err
		})
	}
	if b.del.Clicked(gtx) {
		p.deleteCall(e, c.ID)
	}
	kind, ic, fg := "Incoming", icIn, th.Muted
	switch {
	case c.Missed:
		kind, ic, fg = "Missed", icMissed, th.Danger
	case c.Outgoing():
		kind, ic = "Outgoing", icOut
	}
	at := c.Started.Local().Format("15:04")
	if c.Recording == "" {
		return p.layoutRow(gtx, e, c, b, kind, ic, fg, at)
	}
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutRow(gtx, e, c, b, kind, ic, fg, at) }),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if !p.shownRec[c.ID] {
				return layout.Dimensions{}
			}
			return p.layoutRecording(gtx, e, c)
		}),
	)
}

// layoutRow is an entry's row: its kind, who and when, the recording
// mark, the bin.
func (p *Page) layoutRow(gtx layout.Context, e *env.Env, c core.HistoryEntry, b *rowButtons, kind string, ic *widget.Icon, fg color.NRGBA, at string) layout.Dimensions {
	th := e.Theme
	return widgets.TapRow(gtx, &b.open, fmt.Sprintf("%s call, %s, %s. Call back", kind, c.Name(), at),
		layout.Inset{Top: 8, Bottom: 8, Left: 16, Right: 8}, 16,
		func(gtx layout.Context) layout.Dimensions { return widgets.Icon(gtx, ic, 22, fg) },
		func(gtx layout.Context) layout.Dimensions {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions { return layoutWho(gtx, th, c, kind) }),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, at) }),
			)
		},
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if c.Recording == "" {
				return layout.Dimensions{}
			}
			return p.recordingButton(gtx, e, c)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			ib := material.IconButton(th.Theme, &b.del, icDelete, "Delete this call from the history")
			ib.Background, ib.Color = color.NRGBA{}, th.Muted
			ib.Size, ib.Inset = unit.Dp(20), layout.UniformInset(unit.Dp(10))
			return ib.Layout(gtx)
		}),
	)
}

// layoutWho is the name over the details line.
func layoutWho(gtx layout.Context, th *theme.Theme, c core.HistoryEntry, kind string) layout.Dimensions {
	l := material.Body1(th.Theme, c.Name())
	l.MaxLines, l.Font.Weight = 1, font.Medium
	if c.Missed {
		l.Color = th.Danger
	}
	return widgets.TwoLines(gtx, th, l, details(c, kind))
}

// details is the second line: kind, account, length or why it ended,
// how the audio was encrypted (nothing when it was not).
func details(c core.HistoryEntry, kind string) string {
	s := kind
	if c.Name() != c.RemoteURI {
		s += " · " + c.RemoteURI
	}
	if c.Account != "" {
		s += " · " + c.Account
	}
	switch {
	case c.Ongoing():
		s += " · in progress"
	case c.Interrupted:
		s += " · interrupted"
	case !c.Answered.IsZero():
		d := c.Duration.Round(time.Second)
		s += fmt.Sprintf(" · %d:%02d", int(d.Minutes()), int(d.Seconds())%60)
	case !c.Missed && c.Reason != "":
		s += " · " + c.Reason
	}
	switch c.Encryption {
	case "srtp":
		s += " · SRTP"
	case "dtls-srtp":
		s += " · DTLS-SRTP"
	}
	if c.Recording != "" {
		s += " · recorded"
	}
	return s
}
