package sip

import (
	"strings"

	"github.com/emiago/sipgo/sip"
)

// MWINotify is an unsolicited message-summary NOTIFY (sent without our
// SUBSCRIBE, as many voicemail servers do).
type MWINotify struct {
	User        string // user part of the Request-URI: whose mailbox
	ToUser      string // user part of To
	ContentType string
	Body        []byte
}

// HandleMWI routes unsolicited message-summary NOTIFYs to h, which
// returns the status to answer (200; 404 for a mailbox not ours; 400 or
// 415 for a body it cannot read). Until set they get 481.
func (u *UA) HandleMWI(h func(MWINotify) (code int, reason string)) {
	u.events.mu.Lock()
	u.events.onMWI = h
	u.events.mu.Unlock()
}

// handleNotify routes a NOTIFY: to the subscription it belongs to, or to
// the INVITE dialog it is in (REFER progress); an unsolicited
// message-summary (no To tag: outside any dialog) goes to the voicemail
// handler; anything else, such as a NOTIFY of a subscription we no longer
// know, gets 481 (RFC 6665 4.1.3).
func (u *UA) handleNotify(req *sip.Request, tx sip.ServerTransaction) {
	if d := u.events.match(req); d != nil {
		d.onNotify(u, req, tx)
		return
	}
	event, _, _ := strings.Cut(headerValue(req, "Event", "o"), ";")
	to := req.To()
	outOfDialog := to != nil && !to.Params.Has("tag")
	if strings.EqualFold(strings.TrimSpace(event), "message-summary") && outOfDialog {
		if _, ok := u.admitted(req, tx); !ok {
			return
		}
		u.events.mu.Lock()
		h := u.events.onMWI
		u.events.mu.Unlock()
		if h == nil {
			u.respond(tx, req, sip.StatusCallTransactionDoesNotExists, "Call/Transaction Does Not Exist", nil)
			return
		}
		n := MWINotify{User: req.Recipient.User, ToUser: to.Address.User, Body: req.Body()}
		if ct := req.ContentType(); ct != nil {
			n.ContentType = strings.ToLower(strings.TrimSpace(ct.Value()))
		}
		code, reason := h(n)
		u.respond(tx, req, code, reason, nil)
		return
	}
	u.handleInDialog(req, tx)
}
