package core

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/softphone/softphone/core/callmedia"
	"github.com/softphone/softphone/core/netwatch"
	"github.com/softphone/softphone/core/sip"
)

// moveTimeout bounds moving one call: an ICE restart's gathering and the
// re-INVITE.
const moveTimeout = 5 * time.Second

// watchNetwork follows this host's address toward each registrar until
// the phone closes: when it changes the accounts register again from the
// new address and the calls in progress move their media to it.
func (p *Engine) watchNetwork(ua *sip.UA) {
	w := netwatch.New(netwatch.Kernel{}, netwatch.DefaultPeriod)
	go w.Run(p.life, p.acct.Destinations, func(ch netwatch.Change) { p.networkChanged(p.life, ua, ch) })
}

// networkChanged acts on one change: registrations first (each drops a
// connection from the old address and registers again at once), then
// every call still advertising the old address, side by side.
func (p *Engine) networkChanged(ctx context.Context, ua *sip.UA, ch netwatch.Change) {
	if !ch.New.IsValid() {
		p.o.log.Warn("network: no route to the registrar", "to", ch.Dest, "was", ch.Old)
		return
	}
	p.o.log.Info("network: local address changed", "to", ch.Dest, "from", ch.Old, "now", ch.New)
	var old net.IP // our contact's old address, to remove at the registrar
	if ch.Old.IsValid() {
		old = net.IP(ch.Old.AsSlice())
	}
	if la := ua.Addr().IP; la != nil && !la.IsUnspecified() {
		p.o.log.Warn("network: SIP listens on one address only and cannot follow", "listen", la)
		old = nil // our contact is still at the listener's address
	}
	local := net.IP(ch.New.AsSlice())
	names := p.acct.Moved(ctx, ch.Dest, old, local)
	p.o.log.Info("network: registering again", "accounts", names)
	var wg sync.WaitGroup
	for _, c := range p.callList() {
		if !c.m.Info().Established() || c.isEnded() {
			continue
		}
		if adv := c.media.Advertised(); adv == ch.New || (adv != ch.Old && !c.sendsTo(ch.Dest)) {
			continue
		}
		wg.Go(func() { p.moveCall(ctx, c, ch.New) })
	}
	wg.Wait()
}

// sendsTo says whether the call's requests go through the account whose
// registrar is dest.
func (c *activeCall) sendsTo(dest string) bool {
	if c.ln == nil {
		return false
	}
	d, err := c.ln.Target().Destination()
	return err == nil && d == dest
}

// moveCall re-INVITEs c with its media at adv and our Contact there.
func (p *Engine) moveCall(ctx context.Context, c *activeCall, adv netip.Addr) {
	c.mu.Lock()
	d := c.dialog
	c.mu.Unlock()
	if d == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, moveTimeout)
	defer cancel()
	offer, err := c.media.MoveOffer(ctx, adv)
	if errors.Is(err, callmedia.ErrBoundToAddress) {
		p.o.log.Warn("network: call media cannot follow the new address", "call", c.id, "error", err)
		return
	}
	if err != nil {
		p.o.log.Warn("network: call not moved", "call", c.id, "error", err)
		return
	}
	answer, err := d.Move(ctx, net.IP(adv.AsSlice()), offer)
	if err != nil {
		p.o.log.Warn("network: re-INVITE to the new address failed", "call", c.id, "error", err)
		return
	}
	if err := c.media.Renegotiated(answer); err != nil {
		p.o.log.Warn("network: answer to the move", "call", c.id, "error", err)
		return
	}
	p.o.log.Info("network: call moved", "call", c.id, "media", adv)
}
