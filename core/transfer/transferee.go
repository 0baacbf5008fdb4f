package transfer

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
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
	sip.DialogHandler
	hungUp chan struct{}
	once   sync.Once
}

func (w *transfereeWatch) Bye() { w.once.Do(func() { close(w.hungUp) }) }

// Refer: one transfer at a time.
func (w *transfereeWatch) Refer(sip.Refer) error {
	return &sip.StatusError{Code: 491, Reason: "Request Pending"}
}

// Referred takes the far end's transfer request r in call c: only in an
// established call; the new call starts at once, its progress goes back
// in NOTIFYs. The error refuses r (a *sip.StatusError).
func (a *Agent) Referred(c Leg, r sip.Refer) error {
	if closed(c.Ended()) {
		return &sip.StatusError{Code: 481, Reason: "Call/Transaction Does Not Exist"}
	}
	d := c.Dialog()
	if d == nil || !c.Machine().Info().Established() {
		return &sip.StatusError{Code: 603, Reason: "Decline"}
	}
	w := &transfereeWatch{DialogHandler: c.Handler(), hungUp: make(chan struct{})}
	if !d.SwapHandler(c.Handler(), w) {
		return &sip.StatusError{Code: 491, Reason: "Request Pending"}
	}
	a.log.Info("transfer request", "call", c.ID(), "target", r.Target, "attended", r.Replaces != nil, "referred_by", r.ReferredBy)
	go a.followRefer(c, d, w, r)
	return nil
}

// followRefer places the call r asks for and reports it to the transferor.
func (a *Agent) followRefer(c Leg, d *sip.Dialog, w *transfereeWatch, r sip.Refer) {
	notify := func(code int, reason string, final bool) {
		ctx, cancel := context.WithTimeout(context.Background(), referNotifyTimeout)
		defer cancel()
		if err := d.NotifyRefer(ctx, code, reason, final); err != nil {
			a.log.Debug("transfer: notify", "call", c.ID(), "code", code, "error", err)
		}
	}
	giveBack := func() {
		d.SwapHandler(w, c.Handler())
		if closed(w.hungUp) {
			c.End("remote hung up", 0, false)
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
		by = c.Machine().Info().Remote.URI
	}
	events, unsubscribe := a.host.Events() // before the dial: its first events count
	defer unsubscribe()
	id, err := a.host.Place(r.Target, c.Account(), hdrs, func(i *call.Info) { i.ReferredBy = by })
	if err != nil {
		a.log.Warn("transfer: could not place the call", "call", c.ID(), "target", r.Target, "error", err)
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
			ce, isCall := e.(state.CallEvent)
			if !isCall || ce.ID != id {
				continue
			}
			switch {
			case ce.State == call.Ringing && !rang:
				rang = true
				notify(180, "Ringing", false)
			case ce.Established():
				notify(200, "OK", true)
				a.transfereeDone(c, w)
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
			c.End("transferred", 0, false)
		}
	}
}

// transfereeDone ends the old call once the transferor hangs it up, or
// hangs it up after a while if the transferor does not.
func (a *Agent) transfereeDone(c Leg, w *transfereeWatch) {
	t := time.NewTimer(transfereeHangupWait)
	defer t.Stop()
	select {
	case <-w.hungUp:
		c.End("transferred", 0, false)
	case <-c.Ended():
	case <-t.C:
		c.End("transferred", 0, true)
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
