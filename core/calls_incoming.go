package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/callmedia"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/sip"
)

// lineFor is the account whose user a request is addressed to, or nil.
func (p *Engine) lineFor(user string) *line {
	for _, l := range p.lines() {
		if strings.EqualFold(l.Cfg.Username, user) {
			return l
		}
	}
	return nil
}

// lineNamed is the account called name, or nil.
func (p *Engine) lineNamed(name string) *line {
	if name == "" {
		return nil
	}
	for _, l := range p.lines() {
		if l.Cfg.Name == name {
			return l
		}
	}
	return nil
}

// onIncoming takes a new INVITE: it finds the account it is for (or
// accepts it as a direct call), checks the offer, rings, and waits for
// Answer, Reject or the caller's CANCEL.
func (p *Engine) onIncoming(in *sip.Incoming) {
	// The SIP layer admitted it (admit): through a registration, with
	// Replaces naming a dialog of ours, or as a direct call we take.
	ln := p.lineNamed(in.Account)
	if ln == nil {
		ln = p.lineFor(in.To.User)
	}
	if p.transfers().Replaces(in) { // attended transfer, pickup
		return
	}
	if p.screen(in, ln) { // forwarding, DND, busy
		return
	}
	if !p.reserveRing() {
		_ = in.Reject(486, "Busy Here")
		return
	}
	c := p.newIncomingCall(in, ln)
	if c == nil {
		p.releaseRing()
		return
	}
	c.ringSlot.Store(true)
	p.addCall(c)
	if err := in.Ring(); err != nil {
		c.end("could not ring: "+err.Error(), 0)
		return
	}
	start := p.afterRing(c) // auto-answer, no-answer forwarding
	p.emitCall(c.m.Info())  // after afterRing, so the first event says it auto-answers
	start()
	go func() {
		select {
		case <-in.Context().Done():
			if c.m.Is(call.Incoming) {
				c.end("cancelled by caller", 487)
			}
		case <-c.ended:
		}
	}()
}

// newIncomingCall checks in's offer and opens the call's media, or
// rejects the INVITE and returns nil. The call is not listed yet.
func (p *Engine) newIncomingCall(in *sip.Incoming, ln *line) *activeCall {
	if len(in.Offer) == 0 {
		// A late offer would put our offer in the 200 and take the answer
		// from the ACK; peers that need it are rare.
		_ = in.Reject(488, "Not Acceptable Here")
		return nil
	}
	c := &activeCall{p: p, id: newCallID(), ln: ln, incoming: in, ended: make(chan struct{})}
	// Nothing bound while it rings: sockets open when it is answered.
	cfg, sec := c.mediaConfig()
	var err error
	if c.media, err = callmedia.Prepare(cfg, sec, in.Offer); err != nil {
		p.o.log.Warn("call: no media for incoming call", "error", err)
		_ = in.Reject(500, "Server Internal Error")
		return nil
	}
	if err := c.media.Check(in.Offer); err != nil {
		c.media.Close(nil)
		code, reason := 488, "Not Acceptable Here"
		switch {
		case errors.Is(err, sdp.ErrMalformed):
			code, reason = 400, "Bad Request"
		case errors.Is(err, callmedia.ErrEncryptionRequired):
			reason = "Media Encryption Required"
		}
		p.o.log.Info("call: offer refused", "code", code, "error", err)
		_ = in.Reject(code, reason)
		return nil
	}
	account := ""
	if ln != nil {
		account = ln.Cfg.Name
	}
	c.m = call.New(c.id, call.Inbound, account, call.Party{DisplayName: in.From.DisplayName, URI: in.From.URI}, p.emitCall, nil)
	c.m.Init(func(i *call.Info) { i.Video = c.media.VideoInfo() })
	p.nameCall(c.m) // caller ID
	return c
}

// Answer picks up an incoming call.
func (p *Engine) Answer(ctx context.Context, id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if !c.m.Is(call.Incoming) {
		return fmt.Errorf("answer %s: %w", id, call.ErrTransition)
	}
	p.holdOthers(ctx, c.id) // call waiting: the call in progress goes on hold
	return c.accept(nil)
}

// accept answers the call's INVITE: media first, then 200 OK. replaced,
// if not nil, is the call this one takes over (RFC 3891): it ends for the
// user before this one is reported connected, so no reader of the state
// sees both; its BYE is the transfer's to send.
func (c *activeCall) accept(replaced *activeCall) error {
	if !c.settle() {
		return fmt.Errorf("answer %s: %w", c.id, call.ErrTransition)
	}
	in := c.incoming
	if err := c.bindMedia(in.Source); err != nil {
		c.p.o.log.Warn("call: no media for incoming call", "call", c.id, "error", err)
		_ = in.Reject(500, "Server Internal Error")
		c.end("media: "+err.Error(), 500)
		return err
	}
	answer, neg, err := c.media.Answer(in.Offer)
	if err != nil {
		_ = in.Reject(488, "Not Acceptable Here")
		c.end("no common codec", 488)
		return err
	}
	// Media first: the caller may start sending the moment it has our 200.
	if err := c.startMedia(neg); err != nil {
		_ = in.Reject(500, "Server Internal Error")
		c.end("media: "+err.Error(), 500)
		return err
	}
	if c.isEnded() {
		// The caller gave up while the media opened: no 200 for a call
		// nobody would hang up.
		return fmt.Errorf("answer %s: %w", c.id, call.ErrTransition)
	}
	d, err := in.Answer(answer, c)
	if err != nil {
		c.end("answer failed: "+err.Error(), 0)
		return err
	}
	c.mu.Lock()
	c.dialog = d
	c.mu.Unlock()
	if replaced != nil {
		replaced.end("replaced", 0)
	}
	return c.m.Answered(neg.Codec.Name)
}

// settle claims the right to send an incoming call's final answer: true
// for the first of Answer, Reject and forwarding to ask, so a timer firing
// as the user acts cannot answer a call already refused, or the reverse.
func (c *activeCall) settle() bool {
	if !c.settled.CompareAndSwap(false, true) {
		return false
	}
	c.unring()
	return true
}

// Reject declines an incoming call with code (486 Busy Here, 603 Decline;
// 0 means 486).
func (p *Engine) Reject(id string, code int) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if !c.m.Is(call.Incoming) || !c.settle() {
		return fmt.Errorf("reject %s: %w", id, call.ErrTransition)
	}
	reason := "Busy Here"
	switch code {
	case 0:
		code = 486
	case 603:
		reason = "Decline"
	case 480:
		reason = "Temporarily Unavailable"
	}
	// Ended first: the rejection ends the INVITE transaction, which the
	// watcher of the caller's CANCEL would otherwise take for one.
	c.end("rejected", code)
	return c.incoming.Reject(code, reason)
}
