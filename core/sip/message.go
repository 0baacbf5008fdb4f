package sip

import "github.com/emiago/sipgo/sip"

// handleMessage takes an incoming SIP MESSAGE.
// PENDING(events helper): deliver to the phone.
func (u *UA) handleMessage(req *sip.Request, tx sip.ServerTransaction) {
	u.respond(tx, req, sip.StatusMethodNotAllowed, "Method Not Allowed", nil)
}
