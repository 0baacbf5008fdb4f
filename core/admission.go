package core

import (
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/policy"
	"github.com/softphone/softphone/core/sip"
)

// Who may ring the phone (policy.Admit): requests through one of our
// registrations, INVITEs replacing one of our dialogs, and direct calls
// when the settings take them; a new call only while fewer than
// [sip] max_ringing ring. The SIP layer asks before it allocates anything
// for the request, and answers a refusal itself.

// admit is the phone's sip.Admit.
func (p *Engine) admit(k sip.Knock) int {
	pk := policy.Knock{ViaAccount: k.Account != "", Source: k.Source.Addr(), Invite: k.Method == "INVITE"}
	if k.Replaces != nil {
		pk.ReplacesOurs = p.knowsDialog(*k.Replaces)
	}
	return policy.Admit(pk, p.direct(), int(p.ringing.Load()), p.maxRinging())
}

// direct is who may reach the phone with no registrar in between.
func (p *Engine) direct() policy.Direct {
	p.mu.Lock()
	s := p.conf.SIP
	p.mu.Unlock()
	return policy.DirectFor(s, !p.o.noRegister && len(p.acct.Names()) > 0)
}

func (p *Engine) maxRinging() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if n := p.conf.SIP.MaxRinging; n > 0 {
		return n
	}
	return config.DefaultMaxRinging
}

// knowsDialog says whether r names one of our calls' dialogs, early or
// established.
func (p *Engine) knowsDialog(r sip.Replaces) bool {
	for _, c := range p.callList() {
		c.mu.Lock()
		d, early := c.dialog, c.early
		c.mu.Unlock()
		if (d != nil && d.MatchesReplaces(r)) || early.MatchesReplaces(r) {
			return true
		}
	}
	return false
}

// reserveRing takes one of the ringing slots; false when all are taken
// (admit's check and the slot are not atomic together: two INVITEs may
// pass the check at once). The new call holds it (ringSlot), or
// releaseRing gives it back.
func (p *Engine) reserveRing() bool {
	if int(p.ringing.Add(1)) > p.maxRinging() {
		p.ringing.Add(-1)
		return false
	}
	return true
}

func (p *Engine) releaseRing() { p.ringing.Add(-1) }

// unring gives c's ringing slot back: it was answered, refused or ended.
func (c *activeCall) unring() {
	if c.ringSlot.CompareAndSwap(true, false) {
		c.p.ringing.Add(-1)
	}
}
