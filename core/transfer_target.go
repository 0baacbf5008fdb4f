package core

import (
	"github.com/softphone/softphone/core/sip"
)

// takeReplaces handles an INVITE carrying Replaces (RFC 3891): we are the
// target of an attended transfer, and the new caller takes over one of
// our established calls. It answers at once (no ringing), makes the new
// call the current one and hangs up the replaced dialog. True when it
// took the INVITE (answered or refused it).
//
// An INVITE replacing a call we placed that still rings elsewhere is a
// directed pickup (RFC 3891 with dialog-info): see pickup_target.go.
func (p *Engine) takeReplaces(in *sip.Incoming) bool {
	v := in.Header("Replaces")
	if v == "" {
		return false
	}
	r, err := sip.ParseReplaces(v)
	if err != nil {
		p.o.log.Debug("call: bad Replaces", "error", err)
		_ = in.Reject(400, "Bad Request (Replaces)")
		return true
	}
	if early := p.pickedUpCall(r); early != nil {
		return p.takePickup(in, early)
	}
	old := p.replacedCall(r)
	if old == nil {
		_ = in.Reject(481, "Call/Transaction Does Not Exist")
		return true
	}
	if r.EarlyOnly {
		_ = in.Reject(486, "Busy Here") // RFC 3891 3: early-only for a confirmed dialog
		return true
	}
	c := p.newIncomingCall(in, old.ln)
	if c == nil {
		return true
	}
	p.addCall(c)
	p.o.log.Info("call replaces another", "call", c.id, "replaced", old.id, "from", in.From.URI)
	if err := c.accept(); err != nil {
		p.o.log.Warn("call: could not answer a replacing call", "call", c.id, "error", err)
		return true
	}
	p.endLeg(old, "replaced", 0, true)
	return true
}

// replacedCall is the established call whose dialog r names, or nil.
func (p *Engine) replacedCall(r sip.Replaces) *activeCall {
	p.mu.Lock()
	calls := make([]*activeCall, 0, len(p.calls))
	for _, c := range p.calls {
		calls = append(calls, c)
	}
	p.mu.Unlock()
	for _, c := range calls {
		if d := c.xferDialog(); d != nil && !c.isEnded() && c.m.Info().Established() && d.MatchesReplaces(r) {
			return c
		}
	}
	return nil
}
