// Package incoming is the screen of a call ringing for us: who calls, on
// which account, and big Answer and Decline buttons. When another call is
// going on (call waiting), the screen shows it too, and says that
// answering puts it on hold (the phone does that, and picks the code a
// declined call gets). A call that offers video can be answered with it.
package incoming

import (
	"context"
	"image"
	"strconv"
	"strings"
	"time"

	"gioui.org/font"
	"gioui.org/io/key"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"
	"gioui.org/widget"
	"gioui.org/widget/material"
	"golang.org/x/exp/shiny/materialdesign/icons"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// resendAfter is how long the buttons stay inactive after a tap, so a
// double tap sends one command; they come back if the command failed.
const resendAfter = 3 * time.Second

// Page is the screen's state between frames.
type Page struct {
	answer, decline, answerVideo widget.Clickable

	// sent is the call a command was sent for, and when: the buttons wait
	// for the call's state to change instead of sending it twice.
	sent   string
	sentAt time.Time

	icAnswer, icDecline, icPerson, icTalk, icPaused, icVideo *widget.Icon
}

// offersVideo says whether the caller offers video.
func offersVideo(c call.Info) bool { return c.Video != nil && c.Video.Offered }

// names are the caller's name to show (the contact's, if the phone
// found the caller in the contacts), and the line under it: the address,
// after the SIP display name when the contact's name replaced it.
func names(c call.Info) (name, detail string) {
	name, uri := widgets.Names(c.Remote)
	detail = uri
	if contact := strings.TrimSpace(c.Contact); contact != "" && contact != name {
		if dn := strings.TrimSpace(c.Remote.DisplayName); dn != "" {
			detail = "“" + dn + "” " + uri
		}
		name = contact
	}
	return name, detail
}

// New makes the page.
func New() *Page {
	return &Page{
		icAnswer:  widgets.MustIcon(icons.CommunicationCall),
		icDecline: widgets.MustIcon(icons.CommunicationCallEnd),
		icPerson:  widgets.MustIcon(icons.SocialPerson),
		icTalk:    widgets.MustIcon(icons.NotificationPhoneInTalk),
		icPaused:  widgets.MustIcon(icons.NotificationPhonePaused),
		icVideo:   widgets.MustIcon(icons.AVVideocam),
	}
}

// Layout draws the page and handles its input.
func (p *Page) Layout(gtx layout.Context, e *env.Env) layout.Dimensions {
	c, ok := e.Model.Ringing()
	if !ok {
		return layout.Dimensions{Size: gtx.Constraints.Min}
	}
	p.update(gtx, e, c)
	th := e.Theme
	busy := p.sent == c.ID && gtx.Now.Sub(p.sentAt) < resendAfter
	if busy {
		gtx.Execute(op.InvalidateCmd{At: p.sentAt.Add(resendAfter)})
	}
	others := talking(e.Model, c.ID)
	current := currentCalls(e.Model, c.ID)
	for _, o := range current {
		if o.Established() {
			// The current call's timer moves on.
			gtx.Execute(op.InvalidateCmd{At: gtx.Now.Truncate(time.Second).Add(time.Second)})
			break
		}
	}
	waiting := 0
	for _, o := range e.Model.Calls {
		if o.State == call.Incoming && o.ID != c.ID {
			waiting++
		}
	}

	pad := unit.Dp(24)
	if e.Size == env.Handset {
		pad = 16
	}
	return layout.UniformInset(pad).Layout(gtx, func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Max.Y = min(gtx.Constraints.Max.Y, gtx.Dp(720))
		return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Max.X = min(gtx.Constraints.Max.X, gtx.Dp(480))
			gtx.Constraints.Min.Y = gtx.Constraints.Max.Y
			return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					title := "Incoming call"
					if offersVideo(c) {
						title = "Incoming video call"
					}
					if len(current) > 0 {
						title = "Call waiting"
					}
					l := material.Label(th.Theme, unit.Sp(18), title)
					l.Color = th.Muted
					l.Alignment = text.Middle
					return l.Layout(gtx)
				}),
				layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
					return layout.Center.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return p.layoutCaller(gtx, e, c)
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if len(current) == 0 {
						return layout.Dimensions{}
					}
					return layout.Inset{Bottom: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
						return p.layoutCurrent(gtx, e, current)
					})
				}),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					return layoutNotices(gtx, th, others, waiting)
				}),
				layout.Rigid(layout.Spacer{Height: 24}.Layout),
				layout.Rigid(func(gtx layout.Context) layout.Dimensions {
					if busy {
						gtx = gtx.Disabled()
					}
					return p.layoutButtons(gtx, e, c, others > 0)
				}),
				layout.Rigid(layout.Spacer{Height: 16}.Layout),
			)
		})
	})
}

// update handles the taps and keys (Enter answers; root handles Esc).
func (p *Page) update(gtx layout.Context, e *env.Env, c call.Info) {
	if p.sent != "" && p.sent != c.ID {
		p.sent = ""
	}
	if p.sent == c.ID && gtx.Now.Sub(p.sentAt) < resendAfter {
		// Drain the clicks of a double tap.
		p.answer.Clicked(gtx)
		p.decline.Clicked(gtx)
		p.answerVideo.Clicked(gtx)
		return
	}
	answer := p.answer.Clicked(gtx)
	withVideo := p.answerVideo.Clicked(gtx) && offersVideo(c)
	for {
		ev, ok := gtx.Event(key.Filter{Name: key.NameReturn}, key.Filter{Name: key.NameEnter})
		if !ok {
			break
		}
		if k, isKey := ev.(key.Event); isKey && k.State == key.Press {
			answer = true
		}
	}
	switch {
	case withVideo:
		// The video request first: the answer takes it.
		p.sent, p.sentAt = c.ID, gtx.Now
		id := c.ID
		e.Run("Answer with video", func(ctx context.Context) error {
			return e.Phone.SetVideo(ctx, id, call.VideoRequest{Video: true, Send: true})
		})
		e.Run("Answer", func(ctx context.Context) error { return e.Phone.Answer(ctx, id) })
	case answer:
		p.sent, p.sentAt = c.ID, gtx.Now
		id := c.ID
		e.Run("Answer", func(ctx context.Context) error { return e.Phone.Answer(ctx, id) })
	case p.decline.Clicked(gtx):
		p.sent, p.sentAt = c.ID, gtx.Now
		id := c.ID
		e.Run("Decline", func(context.Context) error { return e.Phone.Decline(id) })
	}
}

// currentCalls are the calls up besides the ringing one: answered, or
// being dialled.
func currentCalls(m env.Model, except string) []call.Info {
	var out []call.Info
	for _, c := range m.Calls {
		if c.ID != except && c.State != call.Incoming && c.State != call.Ended {
			out = append(out, c)
		}
	}
	return out
}

// talking counts the other calls with audio going: answering puts them
// on hold, which the screen says beforehand.
func talking(m env.Model, except string) int {
	n := 0
	for _, c := range m.Calls {
		if c.ID != except && (c.State == call.Connected || c.State == call.RemoteHeld) {
			n++
		}
	}
	return n
}

// accountText names the account the call came to.
func accountText(account string) string {
	if account == "" {
		return "Direct call, no account"
	}
	return "To account " + account
}

// layoutCaller is the avatar, the caller's name and address.
func (p *Page) layoutCaller(gtx layout.Context, e *env.Env, c call.Info) layout.Dimensions {
	th := e.Theme
	name, uri := names(c)
	avatar := gtx.Dp(112)
	nameSize := unit.Sp(34)
	if e.Size == env.Handset {
		avatar, nameSize = gtx.Dp(96), 30
	}
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return widgets.Avatar(gtx, th, p.icPerson, name, avatar)
		}),
		layout.Rigid(layout.Spacer{Height: 20}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			l := material.Label(th.Theme, nameSize, name)
			l.Alignment = text.Middle
			l.MaxLines = 2
			l.Font.Weight = font.Medium
			return widgets.Described(gtx, "Call from "+name, l.Layout)
		}),
		layout.Rigid(layout.Spacer{Height: 6}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if uri == "" {
				return layout.Dimensions{}
			}
			l := material.Body1(th.Theme, uri)
			l.Color = th.Muted
			l.Alignment = text.Middle
			l.MaxLines = 2
			return l.Layout(gtx)
		}),
		layout.Rigid(layout.Spacer{Height: 16}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return chip(gtx, th, accountText(c.Account))
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			if !c.AutoAnswer {
				return layout.Dimensions{}
			}
			return layout.Inset{Top: 8}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				return widgets.Described(gtx, "Answering automatically", func(gtx layout.Context) layout.Dimensions {
					return tinted(gtx, th, th.Accept, "Answering automatically")
				})
			})
		}),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			return layoutOrigin(gtx, th, c)
		}),
	)
}

// layoutNotices says what answering does to the other calls, and whether
// more calls are waiting.
func layoutNotices(gtx layout.Context, th *theme.Theme, hold, waiting int) layout.Dimensions {
	var lines []string
	if n := hold; n == 1 {
		lines = append(lines, "Answering puts your current call on hold.")
	} else if n > 1 {
		lines = append(lines, "Answering puts your other calls on hold.")
	}
	if waiting == 1 {
		lines = append(lines, "1 more call is waiting.")
	} else if waiting > 1 {
		lines = append(lines, strconv.Itoa(waiting)+" more calls are waiting.")
	}
	if len(lines) == 0 {
		return layout.Dimensions{}
	}
	l := material.Body2(th.Theme, strings.Join(lines, "\n"))
	l.Alignment = text.Middle
	l.Color = th.Muted
	return l.Layout(gtx)
}

// layoutButtons is Decline on the left, Answer on the right, as phones do.
func (p *Page) layoutButtons(gtx layout.Context, e *env.Env, c call.Info, holdFirst bool) layout.Dimensions {
	th := e.Theme
	name, _ := names(c)
	answerLabel, answerDesc := "Answer", "Answer the call from "+name
	if holdFirst {
		answerLabel = "Hold & answer"
		answerDesc = "Put the current call on hold and answer " + name
	}
	size := gtx.Dp(80)
	if e.Size == env.Handset {
		size = gtx.Dp(72)
	}
	gtx.Constraints.Min.X = min(gtx.Constraints.Max.X, gtx.Dp(400))
	if offersVideo(c) {
		answerDesc += " without video"
	}
	buttons := func(gtx layout.Context) layout.Dimensions {
		return layout.Flex{Spacing: layout.SpaceEvenly}.Layout(gtx,
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.RoundButton(gtx, th, &p.decline, p.icDecline, th.Danger, th.OnColor, size, "Decline", "Decline the call from "+name)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				return widgets.RoundButton(gtx, th, &p.answer, p.icAnswer, th.Accept, th.OnColor, size, answerLabel, answerDesc)
			}),
		)
	}
	if !offersVideo(c) {
		return buttons(gtx)
	}
	videoDesc := "Answer the call from " + name + " with video"
	if holdFirst {
		videoDesc = "Put the current call on hold and answer " + name + " with video"
	}
	// Answering with video is a choice beside the usual answer, under the
	// two round buttons.
	return layout.Flex{Axis: layout.Vertical, Alignment: layout.Middle}.Layout(gtx,
		layout.Rigid(buttons),
		layout.Rigid(layout.Spacer{Height: 16}.Layout),
		layout.Rigid(func(gtx layout.Context) layout.Dimensions {
			gtx.Constraints.Min.X = 0
			return widgets.Button(gtx, th, &p.answerVideo, p.icVideo, "Answer with video", videoDesc, widgets.Primary)
		}),
	)
}

// chip is a small rounded label.
func chip(gtx layout.Context, th *theme.Theme, s string) layout.Dimensions {
	return layout.Stack{Alignment: layout.Center}.Layout(gtx,
		layout.Expanded(func(gtx layout.Context) layout.Dimensions {
			r := image.Rectangle{Max: gtx.Constraints.Min}
			paint.FillShape(gtx.Ops, th.Surface, clip.UniformRRect(r, r.Dy()/2).Op(gtx.Ops))
			return layout.Dimensions{Size: r.Max}
		}),
		layout.Stacked(func(gtx layout.Context) layout.Dimensions {
			return layout.Inset{Top: 4, Bottom: 4, Left: 12, Right: 12}.Layout(gtx, func(gtx layout.Context) layout.Dimensions {
				l := material.Body2(th.Theme, s)
				return l.Layout(gtx)
			})
		}),
	)
}
