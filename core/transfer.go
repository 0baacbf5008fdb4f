package core

import (
	"context"
	"errors"
	"fmt"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/transfer"
)

// Transfers in every role run in package transfer; the phone picks the
// calls and the address, and lends the transfer its calls (transferLeg)
// and itself (transferHost).

// transferTimeouts bound how long a transfer of ours waits for the
// transferee's reports (WithTransferTimeouts in tests).
type transferTimeouts = transfer.Timeouts

// transfers is the phone's transfer agent. It keeps nothing between
// transfers (each lives in the handler standing in for its call's), so
// one is made per use.
func (p *Engine) transfers() *transfer.Agent {
	return transfer.New(transferHost{p}, transfer.Config{Log: p.o.log, Life: p.life, Timeouts: p.o.transferWait})
}

// Transfer hands call id over to target (blind transfer): a user or number
// at the call's account domain, or a SIP URI. The call goes on hold, the
// far end is asked to call target; Transfer returns once it accepted.
func (p *Engine) Transfer(ctx context.Context, id, target string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if !c.m.Info().Established() {
		return fmt.Errorf("transfer %s: %w", id, call.ErrTransition)
	}
	_, uri, err := p.resolveTarget(target, transferLeg{c}.Account())
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	referTo, err := sip.FormatReferTo(uri, nil)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	return p.transfers().Transfer(ctx, transferLeg{c}, nil, referTo)
}

// AttendedTransfer joins call id's far end to consultation call
// consultID's far end (REFER with Replaces naming the consultation
// dialog), then both our legs end. Both calls must be established.
func (p *Engine) AttendedTransfer(ctx context.Context, id, consultID string) error {
	if id == consultID {
		return fmt.Errorf("attended transfer: %s is both calls", id)
	}
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	cc, err := p.getCall(consultID)
	if err != nil {
		return err
	}
	cd := transferLeg{cc}.Dialog()
	if !c.m.Info().Established() || !cc.m.Info().Established() || cd == nil {
		return fmt.Errorf("attended transfer %s to %s: %w", id, consultID, call.ErrTransition)
	}
	rep := cd.Replaces()
	referTo, err := sip.FormatReferTo(cd.RemoteURI(), &rep)
	if err != nil {
		return fmt.Errorf("attended transfer: %w", err)
	}
	return p.transfers().Transfer(ctx, transferLeg{c}, transferLeg{cc}, referTo)
}

// Refer takes the far end's transfer request (we are the transferee).
func (c *activeCall) Refer(r sip.Refer) error { return c.p.transfers().Referred(transferLeg{c}, r) }

// ReferProgress: a NOTIFY about a REFER of ours while no transfer follows
// it any more (it settled meanwhile); nothing to do.
func (c *activeCall) ReferProgress(p sip.ReferProgress) {
	c.p.o.log.Debug("transfer: late progress", "call", c.id, "code", p.Code)
}

// transferLeg is a call as a transfer sees it.
type transferLeg struct{ c *activeCall }

func (l transferLeg) ID() string                 { return l.c.id }
func (l transferLeg) Machine() *call.Machine     { return l.c.m }
func (l transferLeg) Handler() sip.DialogHandler { return l.c }
func (l transferLeg) Ended() <-chan struct{}     { return l.c.ended }

func (l transferLeg) Account() string {
	if l.c.ln == nil {
		return ""
	}
	return l.c.ln.Cfg.Name
}

func (l transferLeg) End(reason string, code int, bye bool) { l.c.p.endLeg(l.c, reason, code, bye) }

func (l transferLeg) Dialog() *sip.Dialog {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	return l.c.dialog
}

// transferHost is the phone as its transfers see it.
type transferHost struct{ p *Engine }

func (h transferHost) Hold(ctx context.Context, id string) error   { return h.p.Hold(ctx, id) }
func (h transferHost) Resume(ctx context.Context, id string) error { return h.p.Resume(ctx, id) }
func (h transferHost) Events() (<-chan Event, func())              { return h.p.Events() }

func (h transferHost) Place(target, account string, hdrs []sip.Header, setup func(*call.Info)) (string, error) {
	c, err := h.p.dial(target, DialOptions{Account: account}, hdrs, setup)
	if err != nil {
		return "", err
	}
	return c.id, nil
}

func (h transferHost) Legs() []transfer.Leg {
	calls := h.p.callList()
	legs := make([]transfer.Leg, len(calls))
	for i, c := range calls {
		legs[i] = transferLeg{c}
	}
	return legs
}

// PickUp: an INVITE replacing a call we placed that still rings elsewhere
// is a directed pickup (see pickedUpCall).
func (h transferHost) PickUp(in *sip.Incoming, r sip.Replaces) bool {
	if early := h.p.pickedUpCall(r); early != nil {
		return h.p.takePickup(in, early)
	}
	return false
}

// errRefused: the phone refused the INVITE itself (no offer, no media).
var errRefused = errors.New("the replacing call was refused")

func (h transferHost) Answer(in *sip.Incoming, old transfer.Leg) (string, error) {
	var ln *line
	if l, ok := old.(transferLeg); ok {
		ln = l.c.ln
	}
	c := h.p.newIncomingCall(in, ln)
	if c == nil {
		return "", errRefused
	}
	h.p.addCall(c)
	var oc *activeCall
	if l, ok := old.(transferLeg); ok {
		oc = l.c
		// The transferor hangs up the old dialog as soon as our 200 is
		// through: that BYE may beat our own hang-up of it.
		oc.replacing.Store(true)
	}
	err := c.accept(oc)
	if err != nil && oc != nil {
		oc.replacing.Store(false)
	}
	return c.id, err
}
