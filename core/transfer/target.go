package transfer

import (
	"github.com/softphone/softphone/core/sip"
)

// Replaces takes an INVITE carrying Replaces (RFC 3891): we are the
// target of an attended transfer, and the new caller takes over one of
// our established calls. It answers at once (no ringing), and hangs up
// the replaced dialog. An INVITE replacing a call we placed that still
// rings elsewhere is a directed pickup (Host.PickUp). True when it took
// the INVITE (answered or refused it).
func (a *Agent) Replaces(in *sip.Incoming) bool {
	v := in.Header("Replaces")
	if v == "" {
		return false
	}
	r, err := sip.ParseReplaces(v)
	if err != nil {
		a.log.Debug("call: bad Replaces", "error", err)
		_ = in.Reject(400, "Bad Request (Replaces)")
		return true
	}
	if a.host.PickUp(in, r) {
		return true
	}
	old := a.replaced(r)
	if old == nil {
		_ = in.Reject(481, "Call/Transaction Does Not Exist")
		return true
	}
	if r.EarlyOnly {
		_ = in.Reject(486, "Busy Here") // RFC 3891 3: early-only for a confirmed dialog
		return true
	}
	id, err := a.host.Answer(in, old)
	if err != nil {
		a.log.Warn("call: could not answer a replacing call", "replaced", old.ID(), "from", in.From.URI, "error", err)
		return true
	}
	a.log.Info("call replaces another", "call", id, "replaced", old.ID(), "from", in.From.URI)
	old.End("replaced", 0, true)
	return true
}

// replaced is the established call whose dialog r names, or nil.
func (a *Agent) replaced(r sip.Replaces) Leg {
	for _, c := range a.host.Legs() {
		if d := c.Dialog(); d != nil && !closed(c.Ended()) && c.Machine().Info().Established() && d.MatchesReplaces(r) {
			return c
		}
	}
	return nil
}
