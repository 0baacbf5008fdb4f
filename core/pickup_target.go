package core

import (
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// Directed pickup, caller's side: someone watching the extension we call
// (BLF) picks the call up by sending us an INVITE with Replaces naming our
// ringing INVITE. We answer the picker at once and cancel the INVITE that
// rings at the original callee.

// pickedUpCall is our outgoing call, still ringing, that r names.
func (p *Engine) pickedUpCall(r sip.Replaces) *activeCall {
	for _, c := range p.callList() {
		if c.m.Is(call.Dialing, call.Ringing) && c.early.MatchesReplaces(r) {
			return c
		}
	}
	return nil
}

// takePickup answers in in place of the ringing call old.
func (p *Engine) takePickup(in *sip.Incoming, old *activeCall) bool {
	c := p.newIncomingCall(in, old.ln)
	if c == nil {
		return true
	}
	p.addCall(c)
	p.o.log.Info("call picked up", "call", c.id, "replaced", old.id, "by", in.From.URI)
	if err := c.accept(nil); err != nil {
		p.o.log.Warn("call: could not answer a pickup", "call", c.id, "error", err)
		return true
	}
	old.mu.Lock()
	cancel := old.cancel
	old.mu.Unlock()
	if cancel != nil {
		cancel() // CANCEL at the original callee; a crossing 200 gets a BYE
	}
	old.end("picked up", 487)
	return true
}
