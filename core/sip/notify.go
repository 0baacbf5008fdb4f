package sip

import "github.com/emiago/sipgo/sip"

// handleNotify routes a NOTIFY: to the subscription it belongs to, or to
// the INVITE dialog it is in (REFER progress), else 481.
// PENDING(events helper): subscriptions and unsolicited message-summary.
func (u *UA) handleNotify(req *sip.Request, tx sip.ServerTransaction) {
	u.handleInDialog(req, tx)
}
