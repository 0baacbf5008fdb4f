package core

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// The transferee's side: the far end asked us (REFER) to call someone
// else. We place that call and report its progress in NOTIFYs; the old
// call ends when the transferor hangs up, normally right after our 200.

const (
	referNotifyTimeout   = 5 * time.Second
	transfereeHangupWait = 10 * time.Second // for the transferor's BYE after success
)

// transfereeWatch stands in for the old call's handler while the call the
// REFER asked for is under way.
type transfereeWatch struct {
	*activeCall
	hungUp chan struct{}
	once   sync.Once
}

func (w *transfereeWatch) Bye() { w.once.Do(func() { close(w.hungUp) }) }

// Refer: one transfer at a time.
func (w *transfereeWatch) Refer(sip.Refer) error {
	return &sip.StatusError{Code: 491, Reason: "Request Pending"}
}

// Refer takes the far end's transfer request: only in an established
// call; the new call starts at once, its progress goes back in NOTIFYs.
func (c *activeCall) Refer(r sip.Refer) error {
	if c.isEnded() {
		return &sip.StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist"}
	}
	d := c.xferDialog()
	if d == nil || !c.m.Info().Established() {
		return &sip.StatusError{Code: 603, Reason: "Decline"}
	}
	w := &transfereeWatch{activeCall: c, hungUp: make(chan struct{})}
	if !d.SwapHandler(c, w) {
		return &sip.StatusError{Code: 491, Reason: "Request Pending"}
	}
	c.p.o.log.Info("transfer request", "call", c.id, "target", r.Target, "attended", r.Replaces != nil, "referred_by", r.ReferredBy)
	go c.p.followRefer(c, d, w, r)
	return nil
}

// followRefer places the call r asks for and reports it to the transferor.
func (p *Engine) followRefer(c *activeCall, d *sip.Dialog, w *transfereeWatch, r sip.Refer) {
	notify := func(code int, reason string, final bool) {
		ctx, cancel := context.WithTimeout(context.Background(), referNotifyTimeout)
		defer cancel()
		if err := d.NotifyRefer(ctx, code, reason, final); err != nil {
			p.o.log.Debug("transfer: notify", "call", c.id, "code", code, "error", err)
		}
	}
	giveBack := func() {
		d.SwapHandler(w, c)
		if chanClosed(w.hungUp) {
			c.end("remote hung up", 0)
		}
	}
	notify(100, "Trying", false)

	var hdrs []sip.Header
	if r.ReferredBy != "" {
		hdrs = append(hdrs, sip.Header{Name: "Referred-By", Value: "<" + r.ReferredBy + ">"})
	}
	if r.Replaces != nil {
		hdrs = append(hdrs, sip.Header{Name: "Replaces", Value: r.Replaces.String()})
	}
	by := r.ReferredBy
	if by == "" {
		by = c.m.Info().Remote.URI
	}
	account := ""
	if c.ln != nil {
		account = c.ln.cfg.Name
	}
	events, unsubscribe := p.Events() // before the dial: its first events count
	defer unsubscribe()
	nc, err := p.dial(r.Target, DialOptions{Account: account}, hdrs, func(i *call.Info) { i.ReferredBy = by })
	if err != nil {
		p.o.log.Warn("transfer: could not place the call", "call", c.id, "target", r.Target, "error", err)
		notify(503, "Service Unavailable", true)
		giveBack()
		return
	}
	rang := false
	hungUp := w.hungUp
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return // the phone closed
			}
			ce, isCall := e.(CallEvent)
			if !isCall || ce.ID != nc.id {
				continue
			}
			switch {
			case ce.State == call.Ringing && !rang:
				rang = true
				notify(180, "Ringing", false)
			case ce.Established():
				notify(200, "OK", true)
				p.transfereeDone(c, w)
				return
			case ce.State == call.Ended:
				code, reason := failureStatus(ce.Info)
				notify(code, reason, true)
				giveBack()
				return
			}
		case <-hungUp:
			// The transferor did not wait for the outcome: the old call is
			// over, the new one goes on.
			hungUp = nil
			c.end("transferred", 0)
		}
	}
}

// transfereeDone ends the old call once the transferor hangs it up, or
// hangs it up after a while if the transferor does not.
func (p *Engine) transfereeDone(c *activeCall, w *transfereeWatch) {
	t := time.NewTimer(transfereeHangupWait)
	defer t.Stop()
	select {
	case <-w.hungUp:
		c.end("transferred", 0)
	case <-c.ended:
	case <-t.C:
		p.endLeg(c, "transferred", 0, true)
	}
}

// failureStatus is the sipfrag status for a call that ended unanswered.
func failureStatus(i call.Info) (int, string) {
	if i.Code < 300 || i.Code > 699 {
		return 503, "Service Unavailable"
	}
	reason := i.Reason
	if rest, ok := strings.CutPrefix(reason, strconv.Itoa(i.Code)+" "); ok {
		reason = rest
	}
	return i.Code, reason
}
