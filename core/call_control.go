package core

import (
	"context"
	"fmt"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/core/policy"
)

// Hangup ends a call in any state: CANCEL before the answer, 603 Decline
// for an incoming call still ringing, BYE once established.
func (p *Engine) Hangup(id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	switch {
	case c.m.Is(call.Incoming):
		return p.Reject(id, 603)
	case c.m.Is(call.Dialing, call.Ringing):
		c.mu.Lock()
		cancel := c.cancel
		c.mu.Unlock()
		cancel() // sipgo sends CANCEL
		// Ended now, for the user; should a 200 cross the CANCEL,
		// invite() sees the call ended and sends BYE.
		c.end("cancelled", 487)
		return nil
	default:
		// Ended for the user at once; the BYE may wait on a dead peer.
		p.endLeg(c, "hung up", 0, true)
		return nil
	}
}

// Hold puts an established call on hold (re-INVITE with a=sendonly).
func (p *Engine) Hold(ctx context.Context, id string) error { return p.setHold(ctx, id, true) }

// Resume takes a call off hold (re-INVITE with a=sendrecv); the other
// calls in progress go on hold first.
func (p *Engine) Resume(ctx context.Context, id string) error { return p.setHold(ctx, id, false) }

func (p *Engine) setHold(ctx context.Context, id string, on bool) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if !c.m.Info().Established() {
		return fmt.Errorf("hold %s: %w", id, call.ErrTransition)
	}
	if !on {
		// Swap: the call in progress goes on hold before this one talks.
		p.holdOthers(ctx, id)
	}
	offer, err := c.media.HoldOffer(on)
	if err != nil {
		return err
	}
	answer, err := c.reInvite(ctx, offer)
	if err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	if err := c.media.Held(on, answer); err != nil {
		return fmt.Errorf("hold: %w", err)
	}
	defer c.showVideo()
	return c.m.SetHold(true, on)
}

// SwitchTo makes id the call the user talks on (a tap on it in a list of
// calls): the others go on hold (policy.ToHold), and id, or its
// conference, comes off hold (policy.ToResume).
func (p *Engine) SwitchTo(ctx context.Context, id string) error {
	if _, err := p.getCall(id); err != nil {
		return err
	}
	p.holdOthers(ctx, id)
	for _, r := range policy.ToResume(p.callInfos(), id) {
		if err := p.setHold(ctx, r, false); err != nil {
			return err
		}
	}
	return nil
}

// Mute stops (or restarts) sending the microphone, without a re-INVITE.
func (p *Engine) Mute(id string, on bool) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	if p.confs.Mute(c, on) { // a conference's microphone, for every party
		return nil
	}
	sess := c.session()
	if sess != nil {
		sess.Mute(on)
	}
	return c.m.SetMuted(on)
}

// SendDTMF sends digits (0-9 * # A-D) as RFC 4733 events.
func (p *Engine) SendDTMF(id string, digits string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	sess := c.session()
	if sess == nil || !c.m.Info().Established() {
		return fmt.Errorf("dtmf %s: %w", id, call.ErrTransition)
	}
	return sess.SendDTMF(digits)
}

// ReOffer answers the far end's re-INVITE (hold, resume, new address).
func (c *activeCall) ReOffer(offer []byte) ([]byte, error) {
	answer, held, err := c.media.ReOffer(offer)
	if err != nil {
		return nil, err
	}
	_ = c.m.SetHold(false, held)
	c.showVideo()
	return answer, nil
}

// Info takes DTMF sent as SIP INFO (application/dtmf-relay, application/dtmf).
func (c *activeCall) Info(contentType string, body []byte) {
	d, err := media.ParseDTMFInfo(contentType, body)
	if err != nil {
		c.p.o.log.Debug("call: INFO", "call", c.id, "error", err)
		return
	}
	c.p.bus.Publish(DTMFEvent{CallID: c.id, Digit: string(d.Digit), Via: "info"})
}

// Bye: the far end hung up.
func (c *activeCall) Bye() {
	if c.replacing.Load() {
		c.end("replaced", 0) // its replacement is being answered
		return
	}
	c.end("remote hung up", 0)
}

// mediaHandler turns media events into phone events.
type mediaHandler struct{ c *activeCall }

func (h mediaHandler) DTMF(d rune) {
	h.c.p.bus.Publish(DTMFEvent{CallID: h.c.id, Digit: string(d), Via: "rtp"})
}

func (h mediaHandler) NoMedia(silence time.Duration) {
	if !h.c.m.Info().Established() {
		return // early media may stop while it rings; the guard re-arms on answer
	}
	// Not on this goroutine: it is the session's own, and end closes the session.
	h.c.p.byes.Add(1)
	go func() {
		defer h.c.p.byes.Done()
		h.c.end(fmt.Sprintf("no audio received for %s", silence.Round(time.Second)), 0)
		h.c.bye()
	}()
}

func (h mediaHandler) Flowing(at time.Time) {
	h.c.p.bus.Publish(MediaEvent{CallID: h.c.id, State: "flowing", At: at})
}

// Secured records how the call's media is protected, once it holds both ways.
func (h mediaHandler) Secured(scheme string) { _ = h.c.m.SetEncryption(scheme) }

// PathFailed ends a call whose media cannot flow (ICE or DTLS failed).
func (h mediaHandler) PathFailed(err error) {
	h.c.p.o.log.Warn("call: media path failed", "call", h.c.id, "error", err)
	h.c.p.byes.Add(1)
	go func() { // not on the stream's goroutine: ending closes the stream
		defer h.c.p.byes.Done()
		h.c.end("media: "+err.Error(), 0)
		h.c.bye()
	}()
}

func (h mediaHandler) DeviceError(err error) {
	h.c.p.bus.Publish(DeviceEvent{CallID: h.c.id, Error: err.Error()})
}

func (p *Engine) emitCall(info call.Info) {
	p.o.log.Info("call", "call", info.ID, "state", info.State.String(), "reason", info.Reason)
	p.bus.Publish(CallEvent{Info: info})
	p.scheduleWaiting() // a call rang, was answered, held or ended
}

// Calls lists the current calls, oldest first (State().Calls).
func (p *Engine) Calls() []call.Info { return p.State().Calls }

// CallStats returns a call's current quality figures.
func (p *Engine) CallStats(id string) (media.Stats, error) {
	c, err := p.getCall(id)
	if err != nil {
		return media.Stats{}, err
	}
	sess := c.session()
	if sess == nil {
		return media.Stats{}, nil
	}
	return sess.Stats(), nil
}
