package accounts

import (
	"strconv"

	"gioui.org/layout"
	"gioui.org/widget"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/gui/widgets"
)

// featureSwitches are the on/off call-handling settings of the form.
type featureSwitches struct {
	dnd, busyInCall, autoAnswer, answerHints, mwi, presence widget.Bool
}

func (s *featureSwitches) set(f config.Features) {
	s.dnd.Value, s.busyInCall.Value = f.DND, f.BusyWhenInCall
	s.autoAnswer.Value, s.answerHints.Value = f.AutoAnswer, f.AnswerAfterHints
	s.mwi.Value, s.presence.Value = !f.NoMWI, f.Presence
}

func (s *featureSwitches) apply(f *config.Features) {
	f.DND, f.BusyWhenInCall = s.dnd.Value, s.busyInCall.Value
	f.AutoAnswer, f.AnswerAfterHints = s.autoAnswer.Value, s.answerHints.Value
	f.NoMWI, f.Presence = !s.mwi.Value, s.presence.Value
}

func (s *featureSwitches) update(gtx layout.Context) {
	for _, b := range []*widget.Bool{&s.dnd, &s.busyInCall, &s.autoAnswer, &s.answerHints, &s.mwi, &s.presence} {
		b.Update(gtx)
	}
}

// delayText shows the no-answer delay; 0 (the default) is an empty field
// showing the default as its hint.
func delayText(secs int) string {
	if secs == 0 {
		return ""
	}
	return strconv.Itoa(secs)
}

// layoutCallHandling is the "Call handling" card: do not disturb, busy
// when in a call, auto answer, and the three forwardings.
func (ed *editor) layoutCallHandling(th *theme.Theme, fld func(fieldID) layout.Widget) layout.Widget {
	s := &ed.feat
	return ed.section(th, "Call handling",
		switchRow(th, &s.dnd, "Do not disturb", "Every call is refused as busy, or forwarded if set below"),
		switchRow(th, &s.busyInCall, "Busy when in a call", "A second call is refused instead of waiting"),
		switchRow(th, &s.autoAnswer, "Answer automatically", "Every call is answered at once, as on an intercom"),
		switchRow(th, &s.answerHints, "Answer when the caller asks", "Honours the caller's auto-answer request (Call-Info answer-after)"),
		pair(fld(fFwdAlways), fld(fFwdBusy)),
		pair(fld(fFwdNoAnswer), fld(fFwdAfter)),
	)
}

// layoutVoicemail is the "Voicemail and presence" card.
func (ed *editor) layoutVoicemail(th *theme.Theme, fld func(fieldID) layout.Widget) layout.Widget {
	s := &ed.feat
	return ed.section(th, "Voicemail and presence",
		fld(fVoicemail),
		switchRow(th, &s.mwi, "Message waiting notifications", "Shows the count of new voicemail messages"),
		switchRow(th, &s.presence, "Publish my presence", "Lets colleagues watching this line see when you are on a call"),
	)
}

// switchRow is a title and a muted line, with a switch at the end.
func switchRow(th *theme.Theme, b *widget.Bool, title, sub string) layout.Widget {
	return func(gtx layout.Context) layout.Dimensions {
		gtx.Constraints.Min.X = gtx.Constraints.Max.X
		return layout.Flex{Alignment: layout.Middle}.Layout(gtx,
			layout.Flexed(1, func(gtx layout.Context) layout.Dimensions {
				return layout.Flex{Axis: layout.Vertical}.Layout(gtx,
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Label(gtx, th, 15, th.Fg, title)
					}),
					layout.Rigid(func(gtx layout.Context) layout.Dimensions {
						return widgets.Label(gtx, th, 12, th.Muted, sub)
					}),
				)
			}),
			layout.Rigid(func(gtx layout.Context) layout.Dimensions {
				sw := widgets.Switch(th, b, title)
				return layout.Inset{Left: 12, Right: 4}.Layout(gtx, sw.Layout)
			}),
		)
	}
}
