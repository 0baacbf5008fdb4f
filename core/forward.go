package core

import (
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// Call forwarding as the callee: we answer the caller's INVITE with 302
// and a Contact naming the target; the caller (or its proxy) calls there.

// forwardURI turns a configured forwarding target into the URI that goes
// into the Contact, read as every address is (targetURI: a user or number
// is at the account's domain).
func forwardURI(ln *line, target string) (string, error) {
	uri, _, err := targetURI(target, ln.cfg.Domain)
	if err != nil {
		return "", fmt.Errorf("forward to %q: %w", target, err)
	}
	return uri, nil
}

// isSelf reports whether uri is the line's own address, where forwarding
// would send the caller straight back to us.
func isSelf(ln *line, uri string) bool {
	own, err := sip.ParseTarget("sip:" + ln.cfg.Username + "@" + ln.cfg.Domain)
	if err != nil {
		return false
	}
	u, err := sip.ParseTarget(uri)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.User, own.User) && strings.EqualFold(u.Host, own.Host) && u.Port == own.Port
}

// forwardNow answers a new INVITE with 302 to target before it rings (no
// media opened), and reports the call as one that ended forwarded, for the
// history. False when target is unusable: the call then rings as usual.
func (p *Engine) forwardNow(in *sip.Incoming, ln *line, target, why string) bool {
	uri, err := forwardURI(ln, target)
	if err == nil && isSelf(ln, uri) {
		err = fmt.Errorf("forward to %q: that is this account itself", target)
	}
	if err != nil {
		p.o.log.Warn("call forwarding skipped", "account", ln.cfg.Name, "why", why, "error", err)
		return false
	}
	if err := in.Redirect(uri); err != nil {
		// The caller gave up meanwhile, or the transaction broke.
		p.o.log.Warn("call forwarding failed", "account", ln.cfg.Name, "to", uri, "error", err)
		p.screened(in, ln, "could not forward: "+err.Error(), 0)
		return true
	}
	p.o.log.Info("call forwarded", "account", ln.cfg.Name, "from", in.From.URI, "to", uri, "why", why)
	p.screened(in, ln, "forwarded to "+uri, 302)
	return true
}

// forwardOnNoAnswer forwards a ringing call to target once it has rung
// for the account's no-answer delay, unless it was answered, rejected or
// cancelled meanwhile.
func (p *Engine) forwardOnNoAnswer(c *activeCall, target string) {
	uri, err := forwardURI(c.ln, target)
	if err == nil && isSelf(c.ln, uri) {
		err = fmt.Errorf("forward to %q: that is this account itself", target)
	}
	if err != nil {
		p.o.log.Warn("no-answer forwarding skipped", "call", c.id, "error", err)
		return
	}
	if !c.stillRingingAfter(c.ln.cfg.NoAnswerDelay()) || !c.settle() {
		return // answered, refused or given up meanwhile
	}
	// Ended first, as Reject does: the 302 ends the INVITE transaction,
	// which the watcher of the caller's CANCEL would take for one.
	c.end("forwarded to "+uri, 302)
	if err := c.incoming.Redirect(uri); err != nil {
		p.o.log.Warn("no-answer forwarding failed", "call", c.id, "to", uri, "error", err)
		return
	}
	p.o.log.Info("call forwarded on no answer", "call", c.id, "to", uri)
}

// screened reports a call refused or forwarded before it rang: one ended
// call event (no ringing one), so the history and the missed-call badge
// show who called and why nothing rang.
func (p *Engine) screened(in *sip.Incoming, ln *line, reason string, code int) {
	m := call.New(newCallID(), call.Inbound, ln.cfg.Name,
		call.Party{DisplayName: in.From.DisplayName, URI: in.From.URI}, p.emitCall, nil)
	_ = m.End(reason, code)
}
