package policy

import (
	"net/netip"

	"github.com/softphone/softphone/core/config"
)

// Knock is what is known of a request that would open a call or deliver
// a message, before anything is allocated for it.
type Knock struct {
	// ViaAccount: it came through one of our registrations (our Contact
	// token, or the registrar's own address).
	ViaAccount bool
	// ReplacesOurs: an INVITE whose Replaces names one of our dialogs.
	ReplacesOurs bool
	Source       netip.Addr
	Invite       bool // a new call, which would ring
}

// Direct is who may reach the phone without a registrar.
type Direct struct {
	On   bool           // direct calls and messages are taken at all
	From []netip.Prefix // only from these; empty means from anywhere
}

// DirectFor is sip's direct-call setting in force: the user's choice,
// else on only when no account registers (the "direct calls only" mode,
// where nothing else could ever ring the phone).
func DirectFor(s config.SIP, registers bool) Direct {
	return Direct{On: s.AllowDirect.Or(!registers), From: s.DirectNets()}
}

// allows says whether d takes a request from src.
func (d Direct) allows(src netip.Addr) bool {
	if !d.On {
		return false
	}
	if len(d.From) == 0 {
		return true
	}
	src = src.Unmap()
	for _, p := range d.From {
		if p.Contains(src) {
			return true
		}
	}
	return false
}

// Admit decides on a knock: 0 lets it in, 403 when nothing vouches for
// it, 486 when it would ring beyond maxRinging calls (ringing now). A
// replacing INVITE answers at once and never rings.
func Admit(k Knock, d Direct, ringing, maxRinging int) int {
	if !k.ViaAccount && !k.ReplacesOurs && !d.allows(k.Source) {
		return 403
	}
	if k.Invite && !k.ReplacesOurs && ringing >= maxRinging {
		return 486
	}
	return 0
}
