package messages

import (
	"fmt"
	"image"
	"strings"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

var (
	icBack   = widgets.MustIcon(icons.NavigationArrowBack)
	icPerson = widgets.MustIcon(icons.SocialPerson)
	icCall   = widgets.MustIcon(icons.CommunicationCall)
	icSend   = widgets.MustIcon(icons.ContentSend)
	icError  = widgets.MustIcon(icons.AlertErrorOutline)
)

// Layout draws the page and handles its input: on a phone the list or the
// open thread; wider, both side by side.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	p.update(e)
	defer p.convs.InvalidateIfStale(gtx)
	defer p.thread.InvalidateIfStale(gtx)
	if p.newBtn.Clicked(gtx) {
		p.startNew()
	}
	open := p.peer != "" || p.newThread
	if e.Size == env.Handset {
		if open {
			return p.layoutThread(gtx, e)
		}
		return p.layoutList(gtx, e)
	}
	listW := gtx.Dp(320)
	if e.Size == env.Desktop {
		listW = gtx.Dp(360)
	}
	return layout.Flex{}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X, gtx.Constraints.Max.X = listW, listW
			gtx.Constraints.Min.Y = gtx.Constraints.Max.Y
			return p.layoutList(gtx, e)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			sz := image.Pt(gtx.Dp(1), gtx.Constraints.Max.Y)
			paint.FillShape(gtx.Ops, widgets.MulAlpha(e.Theme.Fg, 0x20), clip.Rect{Max: sz}.Op())
			return layout.Dimensions{Size: sz}
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			if !open {
				return widgets.Centred(gtx, e.Theme, "Choose a conversation, or start a new one")
			}
			return p.layoutThread(gtx, e)
		}),
	)
}

// layoutList is the title, New message, and the conversations.
func (p *Page) layoutList(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	hasSrc := p.available()
	p.mu.Lock()
	convs, loading := p.convs.Items, p.convs.Loading
	live := p.liveConversations()
	p.mu.Unlock()
	convs = merge(convs, live)
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 12, Bottom: 8, Left: 16, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
					layout.Flexed(1, widgets.Title(th, "Messages").Layout),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						if !hasSrc {
							return layout.Dimensions{}
						}
						return widgets.TextButton(gtx, th, &p.newBtn, "New", "Write a new message", th.ContrastBg, th.ContrastFg)
					}),
				)
			})
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			switch {
			case !hasSrc:
				return widgets.Centred(gtx, th, "Messages are not available")
			case len(convs) == 0 && loading:
				return widgets.Centred(gtx, th, "Loading…")
			case len(convs) == 0:
				return widgets.Centred(gtx, th, "No messages yet")
			}
			return material.List(th.Theme, &p.list).Layout(gtx, len(convs), func(gtx layout.Context, i int) layout.Dimensions {
				return p.layoutConversation(gtx, e, convs[i])
			})
		}),
	)
}

// layoutConversation is one row: who, the last text, when, and the count
// of unread messages; tap to open.
func (p *Page) layoutConversation(gtx layout.Context, e *env.Env, c core.Conversation) layout.Dimensions {
	th := e.Theme
	b := p.rowBtns[c.Peer]
	if b == nil {
		b = new(widget.Clickable)
		p.rowBtns[c.Peer] = b
	}
	if b.Clicked(gtx) {
		p.Open(c.Peer)
	}
	who := p.name(e, c.Peer)
	last := c.Last.Text
	if !c.Last.Incoming {
		last = "You: " + last
	}
	last = firstLine(last)
	when := whenLabel(c.Last.At, e.Model.Now)
	desc := "Open the conversation with " + who
	if c.Unread > 0 {
		desc += fmt.Sprintf(", %d unread", c.Unread)
	}
	selected := samePeer(c.Peer, p.peer) && e.Size != env.Handset
	row := func(gtx layout.Context) layout.Dimensions {
		return widgets.TapRow(gtx, b, desc, layout.Inset{Top: 10, Bottom: 10, Left: 16, Right: 12}, 12,
			func(gtx layout.Context) layout.Dimensions { return widgets.Avatar(gtx, th, icPerson, who, gtx.Dp(40)) },
			func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
							layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
								l := material.Body1(th.Theme, who)
								l.MaxLines, l.Font.Weight = 1, font.Medium
								if c.Unread > 0 {
									l.Font.Weight = font.Bold
								}
								return l.Layout(gtx)
							}),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, when) }),
						)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
							layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
								l := material.Body2(th.Theme, last)
								l.MaxLines, l.Color = 1, th.Muted
								if c.Unread > 0 {
									l.Color = th.Fg
								}
								return l.Layout(gtx)
							}),
							layout.Rigid(func(gtx layout.Context) layout.Dimensions {
								if c.Unread == 0 {
									return layout.Dimensions{}
								}
								return layout.Inset{Left: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
									return widgets.CountBadge(gtx, th, c.Unread, 12, th.ContrastBg, th.ContrastFg)
								})
							}),
						)
					}),
				)
			})
	}
	if !selected {
		return row(gtx)
	}
	return layout.Background{}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		paint.FillShape(gtx.Ops, th.Surface, clip.Rect{Max: gtx.Constraints.Min}.Op())
		return layout.Dimensions{Size: gtx.Constraints.Min}
	}, row)
}

// firstLine is the first line of s, for a one-line preview.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// whenLabel is t for a list: the time today, "Yesterday", the day this
// week, else the date.
func whenLabel(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	yest := now.AddDate(0, 0, -1)
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return t.Format("15:04")
	case t.Year() == yest.Year() && t.YearDay() == yest.YearDay():
		return "Yesterday"
	case now.Sub(t) < 6*24*time.Hour && t.Before(now):
		return t.Format("Monday")
	case y1 == y2:
		return t.Format("2 Jan")
	}
	return t.Format("2 Jan 2006")
}
