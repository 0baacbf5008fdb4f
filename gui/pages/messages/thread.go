package messages

import (
	"context"
	"fmt"
	"image"
	"strings"
	"time"

	"gioui.org/font"
	"gioui.org/layout"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/widget"
	"gioui.org/widget/material"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/widgets"
)

// layoutThread is the open conversation: who, the bubbles, the field.
func (p *Page) layoutThread(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	p.handleThread(gtx, e)
	p.handleTo(gtx)
	p.markRead(gtx, e)
	p.mu.Lock()
	msgs := p.threadItems(p.peer)
	more := len(p.thread.Items) >= p.limit
	loading := p.thread.Loading && len(msgs) == 0
	p.mu.Unlock()
	return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutThreadBar(gtx, e) }),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			sz := image.Pt(gtx.Constraints.Max.X, gtx.Dp(1))
			paint.FillShape(gtx.Ops, widgets.MulAlpha(th.Fg, 0x20), clip.Rect{Max: sz}.Op())
			return layout.Dimensions{Size: sz}
		}),
		layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
			switch {
			case p.newThread:
				return widgets.Centred(gtx, th, "Type the address, then the message")
			case loading:
				return widgets.Centred(gtx, th, "Loading…")
			case len(msgs) == 0:
				return widgets.Centred(gtx, th, "No messages yet")
			}
			return p.layoutBubbles(gtx, e, msgs, more)
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions { return p.layoutCompose(gtx, e) }),
	)
}

// handleThread reacts to the thread's buttons.
func (p *Page) handleThread(gtx layout.Context, e *env.Env) {
	if p.backBtn.Clicked(gtx) {
		p.closeThread()
	}
	if p.callBtn.Clicked(gtx) && p.peer != "" {
		to, account := p.peer, p.account()
		e.Run("Call "+widgets.ShortAddress(to), func(ctx context.Context) error {
			_, err := e.Phone.Dial(ctx, to, core.DialOptions{Account: account, HoldOthers: true})
			return err
		})
	}
	if p.earlier.Clicked(gtx) {
		p.limit += threadPage
		p.thread.Refresh()
	}
}

// account is the account the open conversation last used ("" lets the
// phone choose).
func (p *Page) account() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.thread.Items) - 1; i >= 0; i-- {
		if a := p.thread.Items[i].Account; a != "" {
			return a
		}
	}
	for _, c := range p.convs.Items {
		if samePeer(c.Peer, p.peer) {
			return c.Last.Account
		}
	}
	return ""
}

// layoutThreadBar is Back (phone), who, and Call; or, for a new
// conversation, the address field.
func (p *Page) layoutThreadBar(gtx layout.Context, e *env.Env) layout.Dimensions {
	th := e.Theme
	back := func(gtx layout.Context) layout.Dimensions {
		if e.Size != env.Handset {
			return layout.Spacer{Width: 12}.Layout(gtx)
		}
		return widgets.TintedIconButton(gtx, th, &p.backBtn, icBack, "Back to the conversations", th.Fg)
	}
	return layout.Inset{Top: 6, Bottom: 6, Left: 4, Right: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		if p.newThread {
			return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(back),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return layout.Inset{Right: 8}.Layout(gtx, material.Body1(th.Theme, "To").Layout)
				}),
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
						layout.Rigid(func(gtx layout.Context) layout.Dimensions {
							return widgets.Described(gtx, "Address to write to", func(gtx layout.Context) layout.Dimensions {
								return widgets.TextBox(gtx, th, &p.to, "Name, number or sip:user@host", p.toErr != "", nil)
							})
						}),
						layout.Rigid(func(gtx layout.Context) layout.Dimensions {
							if p.toErr == "" {
								return layout.Dimensions{}
							}
							return layout.Inset{Top: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
								return widgets.ErrorLine(gtx, th, p.toErr)
							})
						}),
					)
				}),
			)
		}
		who := p.name(e, p.peer)
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Rigid(back),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.Avatar(gtx, th, icPerson, who, gtx.Dp(36))
			}),
			layout.Rigid(layout.Spacer{Width: 12}.Layout),
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				l := material.Body1(th.Theme, who)
				l.MaxLines, l.Font.Weight = 1, font.SemiBold
				if sub := widgets.ShortAddress(p.peer); sub != who {
					return widgets.TwoLines(gtx, th, l, sub)
				}
				return l.Layout(gtx)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.TintedIconButton(gtx, th, &p.callBtn, icCall, "Call "+who, th.Accept)
			}),
		)
	})
}

// item is a row of the thread: a day heading or a message.
type item struct {
	day string
	msg int
}

// layoutBubbles is the thread's messages by day, the newest at the bottom.
func (p *Page) layoutBubbles(gtx layout.Context, e *env.Env, msgs []core.StoredMessage, more bool) layout.Dimensions {
	th := e.Theme
	items := make([]item, 0, len(msgs)+8)
	if more {
		items = append(items, item{msg: -2})
	}
	last := ""
	for i, m := range msgs {
		if d := dayLabel(m.At, e.Model.Now); d != last {
			last = d
			items = append(items, item{day: d, msg: -1})
		}
		items = append(items, item{msg: i})
	}
	return material.List(th.Theme, &p.bubbles).Layout(gtx, len(items), func(gtx layout.Context, i int) layout.Dimensions {
		it := items[i]
		switch it.msg {
		case -2:
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					return widgets.PlainButton(gtx, th, &p.earlier, "Earlier messages", "Show earlier messages")
				})
			})
		case -1:
			return layout.Inset{Top: 12, Bottom: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions { return widgets.Muted(gtx, th, it.day) })
			})
		}
		return p.layoutBubble(gtx, e, msgs[it.msg])
	})
}

// layoutBubble is one message: received on the left, sent on the right
// with its delivery state under it (and Retry when it failed).
func (p *Page) layoutBubble(gtx layout.Context, e *env.Env, m core.StoredMessage) layout.Dimensions {
	th := e.Theme
	bg, fg := th.Surface, th.Fg
	if !m.Incoming {
		bg, fg = th.ContrastBg, th.ContrastFg
	}
	maxW := min(gtx.Constraints.Max.X*3/4, gtx.Dp(520))
	at := m.At.Local().Format("15:04")
	status, bad := statusText(m)
	desc := fmt.Sprintf("%s at %s: %s", map[bool]string{true: "Received", false: "Sent"}[m.Incoming], at, m.Text)
	if status != "" {
		desc += ". " + status
	}
	bubble := func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = 0
		gtx.Constraints.Max.X = maxW
		return widgets.Described(gtx, desc, func(gtx layout.Context) layout.Dimensions {
			return layout.Background{}.Layout(gtx,
				func(gtx layout.Context) layout.Dimensions {
					sz := gtx.Constraints.Min
					paint.FillShape(gtx.Ops, bg, clip.UniformRRect(image.Rectangle{Max: sz}, gtx.Dp(14)).Op(gtx.Ops))
					if bad {
						widgets.Outline(gtx, sz, th.Danger, 14)
					}
					return layout.Dimensions{Size: sz}
				},
				func(gtx layout.Context) layout.Dimensions {
					return layout.Inset{Top: 8, Bottom: 8, Left: 12, Right: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						l := material.Body1(th.Theme, m.Text)
						l.Color = fg
						return l.Layout(gtx)
					})
				})
		})
	}
	meta := func(gtx layout.Context) layout.Dimensions {
		line := at
		if status != "" {
			line += " · " + status
		}
		if !bad {
			return widgets.Muted(gtx, th, line)
		}
		b := p.retry[m.Key]
		if b == nil {
			b = new(widget.Clickable)
			p.retry[m.Key] = b
		}
		if b.Clicked(gtx) {
			p.send(e, m.Peer, m.Account, m.Text)
		}
		// The reason may be long: it wraps, and Retry keeps its room.
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Alignment: layout.Middle, Spacing: layout.SpaceStart}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return layout.Inset{Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
							return widgets.Icon(gtx, icError, 16, th.Danger)
						})
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						l := material.Body2(th.Theme, line)
						l.Color, l.MaxLines, l.Alignment = th.Danger, 3, text.End
						return l.Layout(gtx)
					}),
				)
			}),
			layout.Rigid(layout.Spacer{Width: 8}.Layout),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.PlainButton(gtx, th, b, "Retry", "Send again: "+m.Text)
			}),
		)
	}
	align := layout.Start
	if !m.Incoming {
		align = layout.End
	}
	return layout.Inset{Top: 4, Bottom: 4, Left: 12, Right: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.Flex{Axis: layout.Vertical, Alignment: align}.Layout(gtx,
			layout.Rigid(bubble),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return layout.Inset{Top: 2, Left: 4, Right: 4}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
					gtx.Constraints.Min.X = 0
					return meta(gtx)
				})
			}),
		)
	})
}

// statusText is a sent message's delivery state for people; bad when it
// failed.
func statusText(m core.StoredMessage) (s string, bad bool) {
	if m.Incoming {
		return "", false
	}
	switch m.State {
	case "sending":
		return "Sending…", false
	case "delivered":
		return "Delivered", false
	case "failed":
		why := strings.TrimSpace(m.Reason)
		switch {
		case m.Code > 0 && why != "":
			why = fmt.Sprintf("%d %s", m.Code, why)
		case m.Code > 0:
			why = fmt.Sprint(m.Code)
		case why == "":
			why = "no answer"
		}
		return "Not delivered: " + why, true
	}
	return m.State, false
}

// dayLabel names the day of t as seen from now.
func dayLabel(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y1, m1, d1 := t.Date()
	y2, m2, d2 := now.Date()
	yest := now.AddDate(0, 0, -1)
	switch {
	case y1 == y2 && m1 == m2 && d1 == d2:
		return "Today"
	case t.Year() == yest.Year() && t.YearDay() == yest.YearDay():
		return "Yesterday"
	case y1 == y2:
		return t.Format("Monday 2 January")
	}
	return t.Format("2 January 2006")
}
