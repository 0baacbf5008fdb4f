// Package policy holds the phone's decisions about calls as pure functions
// of the calls in progress and an account's settings: which new call is
// forwarded or refused before it rings, which one answers by itself,
// which code declines, which calls go on hold when the user talks on
// another. The engine acts on them; front-ends never decide these.
package policy

import (
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

// Reasons of calls that ended without ringing.
const (
	ReasonDND  = "do not disturb"
	ReasonBusy = "busy in another call"
)

// Busy says whether one of calls is established, or dialling or ringing
// out: what makes a new call "busy". Calls ringing for us do not count.
func Busy(calls []call.Info) bool {
	for _, c := range calls {
		switch c.State {
		case call.Dialing, call.Ringing, call.Connected, call.Held, call.RemoteHeld:
			return true
		}
	}
	return false
}

// Screening is what an account's settings do with a new call before it
// rings: forward it (302) to ForwardAlways; failing that, refuse it with
// 486 for Refuse's reason, or forward it to ForwardBusy instead; with
// neither, it rings.
type Screening struct {
	ForwardAlways string
	Refuse        string // ReasonDND, ReasonBusy, or "" to ring
	ForwardBusy   string // where a refused call goes instead of 486; "" none
}

// Screen decides for a new call to an account with settings f; busy is
// Busy of the calls in progress.
func Screen(f config.Features, busy bool) Screening {
	s := Screening{ForwardAlways: f.ForwardAlways}
	switch {
	case f.DND:
		s.Refuse = ReasonDND
	case f.BusyWhenInCall && busy:
		s.Refuse = ReasonBusy
	}
	if s.Refuse != "" {
		s.ForwardBusy = f.ForwardBusy
	}
	return s
}

// AutoAnswer says whether a ringing call answers by itself, after how
// long, and why: an intercom line (AutoAnswer) at once; with
// AnswerAfterHints, when the caller asks (hint: Call-Info answer-after and
// the like). Never while another call is up (busy): then it rings as a
// waiting call and the user decides.
func AutoAnswer(f config.Features, hint func() (time.Duration, bool), busy bool) (delay time.Duration, why string, ok bool) {
	switch {
	case f.AutoAnswer:
		why = "auto_answer"
	case f.AnswerAfterHints:
		if delay, ok = hint(); !ok {
			return 0, "", false
		}
		why = "caller's answer-after hint"
	default:
		return 0, "", false
	}
	if busy {
		return 0, why, false
	}
	return delay, why, true
}

// DeclineCode is the code that declines ringing call id: 486 Busy Here
// while another call is up (the caller hears busy, as from a phone in
// use), 603 Decline otherwise.
func DeclineCode(calls []call.Info, id string) int {
	for _, c := range calls {
		if c.ID != id && c.State != call.Incoming && c.State != call.Ended {
			return 486
		}
	}
	return 603
}

// ToHold lists the calls to put on hold before the user talks on id
// (answers it, resumes it): every other established call not held
// already, except the legs of id's own conference.
func ToHold(calls []call.Info, id string) []string {
	conf := conferenceOf(calls, id)
	var out []string
	for _, c := range calls {
		if c.ID == id || !c.Established() || c.LocalHold || (conf != "" && c.Conference == conf) {
			continue
		}
		out = append(out, c.ID)
	}
	return out
}

// ToResume lists the calls to take off hold when the user switches to id:
// id, or every leg of its conference, that we hold.
func ToResume(calls []call.Info, id string) []string {
	conf := conferenceOf(calls, id)
	var out []string
	for _, c := range calls {
		if (c.ID == id || (conf != "" && c.Conference == conf)) && c.LocalHold {
			out = append(out, c.ID)
		}
	}
	return out
}

// conferenceOf is the conference call id is in ("" for none).
func conferenceOf(calls []call.Info, id string) string {
	for _, c := range calls {
		if c.ID == id {
			return c.Conference
		}
	}
	return ""
}
