package core

import (
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/forward"
	"github.com/softphone/softphone/core/sip"
)

// Call forwarding runs in package forward; the account's settings decide
// when (screen, afterRing), and the phone records what it did.

// Reasons of calls a redirect ended.
const (
	ReasonRedirectLoop     = forward.ReasonRedirectLoop
	ReasonTooManyRedirects = forward.ReasonTooManyRedirects
	ReasonBadRedirect      = forward.ReasonBadRedirect
)

// forwardNow answers a new INVITE with 302 to target before it rings, and
// reports the call as one that ended forwarded, for the history. False
// when target is unusable: the call then rings as usual.
func (p *Engine) forwardNow(in *sip.Incoming, ln *line, target, why string) bool {
	reason, code, ok := forward.Now(p.o.log, in, ln.Cfg, target, why)
	if ok {
		p.screened(in, ln, reason, code)
	}
	return ok
}

// forwardOnNoAnswer forwards a ringing call to target once it has rung
// for the account's no-answer delay, unless it was settled meanwhile.
func (p *Engine) forwardOnNoAnswer(c *activeCall, target string) {
	forward.OnNoAnswer(p.o.log, c.id, ringingCall{c}, c.ln.Cfg, target)
}

// screened reports a call refused or forwarded before it rang: one ended
// call event (no ringing one), so the history and the missed-call badge
// show who called and why nothing rang.
func (p *Engine) screened(in *sip.Incoming, ln *line, reason string, code int) {
	m := call.New(newCallID(), call.Inbound, ln.Cfg.Name,
		call.Party{DisplayName: in.From.DisplayName, URI: in.From.URI}, p.emitCall, nil)
	_ = m.End(reason, code)
}

// callEnd is an INVITE failure that ends the call with its own reason: a
// redirect loop, too many redirects, or one that leads nowhere.
type callEnd = forward.End

// newRedirects starts following the 3xx answers to c's INVITE to first.
func (c *activeCall) newRedirects(first string) *forward.Redirects {
	return forward.NewRedirects(first, redirectDomain(c), c.p.o.log)
}

// redirectDomain is the call's account's domain, "" for a direct call.
func redirectDomain(c *activeCall) string {
	if c.ln == nil {
		return ""
	}
	return c.ln.Cfg.Domain
}

// ringingCall is a call ringing for us as no-answer forwarding sees it.
type ringingCall struct{ c *activeCall }

func (r ringingCall) StillRingingAfter(d time.Duration) bool { return r.c.stillRingingAfter(d) }
func (r ringingCall) Settle() bool                           { return r.c.settle() }
func (r ringingCall) End(reason string, code int)            { r.c.end(reason, code) }
func (r ringingCall) Redirect(uri string) error              { return r.c.incoming.Redirect(uri) }
