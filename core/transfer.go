package core

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// Transfer as the transferor (RFC 3515, RFC 5589): the REFER goes in the
// call's dialog, the transferee reports its call to the target in NOTIFYs
// shown in call.Info.Transfer. Success ends our leg(s) with "transferred";
// failure gives the call back to the user.
//
// How long we follow: each report of progress (a 1xx NOTIFY: trying,
// ringing) gives the transferee another idle window for the next one, up
// to a cap on the whole wait. Silence for the idle window before any
// report is a failure: the call is resumed. Silence after progress, or
// the cap, only ends the following ("failed: no final report") and leaves
// the call on hold: the target may have answered meanwhile, and resuming
// behind the user's back would leave the transferee with two calls. The
// user resumes or hangs up.

const (
	referAcceptTimeout  = 10 * time.Second // for the 202
	transferIdleTimeout = 30 * time.Second // for the transferee's next report
	transferMaxWait     = 3 * time.Minute  // for its final report, however much progress
	transferByeGrace    = 5 * time.Second  // for that report once the far end hung up
)

// transferTimeouts are the idle window and the cap above (tests shorten
// them).
type transferTimeouts struct{ idle, max time.Duration }

func (o options) transferWaits() transferTimeouts {
	w := o.transferWait
	if w.idle <= 0 {
		w.idle = transferIdleTimeout
	}
	if w.max <= 0 {
		w.max = transferMaxWait
	}
	return w
}

// Values of call.Info.Transfer.
const (
	transferTrying  = "trying"
	transferRinging = "ringing"
	transferDone    = "done"
	transferFailed  = "failed: "
	transferNoFinal = "no final report"
)

var errTransferBusy = errors.New("a transfer is already in progress on this call")

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
	account := ""
	if c.ln != nil {
		account = c.ln.cfg.Name
	}
	_, uri, err := p.resolveTarget(target, account)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	referTo, err := sip.FormatReferTo(uri, nil)
	if err != nil {
		return fmt.Errorf("transfer: %w", err)
	}
	return p.transfer(ctx, c, nil, referTo)
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
	cd := cc.xferDialog()
	if !c.m.Info().Established() || !cc.m.Info().Established() || cd == nil {
		return fmt.Errorf("attended transfer %s to %s: %w", id, consultID, call.ErrTransition)
	}
	rep := cd.Replaces()
	referTo, err := sip.FormatReferTo(cd.RemoteURI(), &rep)
	if err != nil {
		return fmt.Errorf("attended transfer: %w", err)
	}
	return p.transfer(ctx, c, cc, referTo)
}

// xferDialog is the call's SIP dialog, nil before it is established.
func (c *activeCall) xferDialog() *sip.Dialog {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.dialog
}

// referWatch stands in for a call's dialog handler while our REFER in it
// awaits its outcome: it takes the NOTIFYs and holds back the far end's BYE.
type referWatch struct {
	*activeCall
	progress chan sip.ReferProgress
	hungUp   chan struct{} // the far end sent BYE
	once     sync.Once
	done     chan struct{} // the transfer is settled: no more progress taken
}

func (w *referWatch) ReferProgress(p sip.ReferProgress) {
	select {
	case w.progress <- p:
	case <-w.done:
	}
}

func (w *referWatch) Bye() { w.once.Do(func() { close(w.hungUp) }) }

// legWatch stands in for the consultation call's handler during an
// attended transfer: the target hangs that leg up once it replaced it.
type legWatch struct {
	*activeCall
	hungUp chan struct{}
	once   sync.Once
}

func (w *legWatch) Bye() { w.once.Do(func() { close(w.hungUp) }) }

// transferRun is one transfer of ours under way.
type transferRun struct {
	p        *Engine
	c        *activeCall
	d        *sip.Dialog
	w        *referWatch
	consult  *activeCall // attended transfer only
	cd       *sip.Dialog
	cw       *legWatch
	heldByUs bool // the transfer put c on hold: failure resumes it
}

func (p *Engine) transfer(ctx context.Context, c, consult *activeCall, referTo string) error {
	d := c.xferDialog()
	if d == nil {
		return fmt.Errorf("transfer %s: %w", c.id, call.ErrTransition)
	}
	t := &transferRun{p: p, c: c, d: d, consult: consult}
	t.w = &referWatch{activeCall: c, progress: make(chan sip.ReferProgress, 8), hungUp: make(chan struct{}), done: make(chan struct{})}
	if !d.SwapHandler(c, t.w) {
		return fmt.Errorf("transfer %s: %w", c.id, errTransferBusy)
	}
	if consult != nil {
		t.cd = consult.xferDialog()
		t.cw = &legWatch{activeCall: consult, hungUp: make(chan struct{})}
		if !t.cd.SwapHandler(consult, t.cw) {
			d.SwapHandler(t.w, c)
			return fmt.Errorf("transfer %s: %w", consult.id, errTransferBusy)
		}
	}
	_ = c.m.Update(func(i *call.Info) { i.Transfer = transferTrying })
	if !c.m.Info().LocalHold {
		// RFC 5589 holds first; a peer that refuses the hold may still
		// take the REFER.
		if err := p.Hold(ctx, c.id); err != nil {
			p.o.log.Warn("transfer: could not hold the call first", "call", c.id, "error", err)
		} else {
			t.heldByUs = true
		}
	}
	ctx, cancel := context.WithTimeout(ctx, referAcceptTimeout)
	defer cancel()
	if err := d.Refer(ctx, referTo, d.LocalURI()); err != nil {
		reason := "no answer to the transfer request"
		var se *sip.StatusError
		if errors.As(err, &se) {
			reason = se.Error()
		}
		t.fail(reason)
		return fmt.Errorf("transfer: %w", err)
	}
	p.o.log.Info("transfer requested", "call", c.id, "refer_to", referTo)
	go t.follow()
	return nil
}

// follow waits for the transferee's final report, the end of the call, or
// a timeout (see the rule at the top).
func (t *transferRun) follow() {
	waits := t.p.o.transferWaits()
	idle := time.NewTimer(waits.idle)
	defer idle.Stop()
	limit := time.NewTimer(waits.max)
	defer limit.Stop()
	progressed := false
	var grace <-chan time.Time
	hungUp := t.w.hungUp
	var legHungUp <-chan struct{}
	if t.cw != nil {
		legHungUp = t.cw.hungUp
	}
	for {
		select {
		case pr := <-t.w.progress:
			switch {
			case pr.Code >= 200 && pr.Code < 300:
				t.succeed()
				return
			case pr.Code >= 300:
				t.fail(fmt.Sprintf("%d %s", pr.Code, pr.Reason))
				return
			case pr.Final:
				t.fail("the transferee stopped reporting")
				return
			case pr.Code >= 180:
				_ = t.c.m.Update(func(i *call.Info) { i.Transfer = transferRinging })
			default:
				_ = t.c.m.Update(func(i *call.Info) { i.Transfer = transferTrying })
			}
			progressed = true
			idle.Reset(waits.idle)
		case <-hungUp:
			// Not an outcome by itself: the report may still follow.
			hungUp = nil
			if grace == nil {
				grace = time.After(transferByeGrace)
			}
		case <-legHungUp:
			legHungUp = nil
			if grace == nil {
				grace = time.After(transferByeGrace)
			}
		case <-grace:
			t.fail("no report after the far end hung up")
			return
		case <-idle.C:
			t.timedOut(progressed, waits.idle)
			return
		case <-limit.C:
			t.timedOut(progressed, waits.max)
			return
		case <-t.c.ended:
			t.settle() // the user hung up meanwhile
			t.endLegIfGone()
			return
		}
	}
}

// timedOut ends a transfer left without a final report for d: a failure
// if nothing at all came, else only the end of the following (see the
// rule at the top).
func (t *transferRun) timedOut(progressed bool, d time.Duration) {
	if !progressed {
		t.fail(fmt.Sprintf("no report within %v", d))
		return
	}
	t.abandon(transferNoFinal)
}

// settle stops following the REFER and gives the calls their own
// handlers back.
func (t *transferRun) settle() {
	close(t.w.done)
	t.d.EndRefer()
	t.d.SwapHandler(t.w, t.c)
	if t.cw != nil {
		t.cd.SwapHandler(t.cw, t.consult)
	}
}

func (t *transferRun) succeed() {
	close(t.w.done)
	t.d.EndRefer()
	t.p.o.log.Info("transfer done", "call", t.c.id)
	_ = t.c.m.Update(func(i *call.Info) { i.Transfer = transferDone })
	t.p.endLeg(t.c, "transferred", 0, !chanClosed(t.w.hungUp))
	if t.consult != nil {
		_ = t.consult.m.Update(func(i *call.Info) { i.Transfer = transferDone })
		t.p.endLeg(t.consult, "transferred", 0, !chanClosed(t.cw.hungUp))
	}
}

// fail shows why and gives the call back: resumed when the far end is
// still there and the transfer held it (or it was a blind transfer).
func (t *transferRun) fail(reason string) {
	if !t.abandon(reason) {
		return
	}
	if (t.heldByUs || t.consult == nil) && t.c.m.Info().LocalHold {
		if err := t.p.Resume(t.p.life, t.c.id); err != nil {
			t.p.o.log.Warn("transfer failed: could not resume the call", "call", t.c.id, "error", err)
		}
	}
}

// abandon stops following the transfer and shows why it failed, leaving
// the call as it is; false when the far end hung up meanwhile (the call
// ends).
func (t *transferRun) abandon(reason string) bool {
	t.settle()
	t.p.o.log.Info("transfer failed", "call", t.c.id, "reason", reason)
	_ = t.c.m.Update(func(i *call.Info) { i.Transfer = transferFailed + reason })
	t.endLegIfGone()
	if chanClosed(t.w.hungUp) {
		t.c.end("remote hung up", 0)
		return false
	}
	return true
}

// endLegIfGone ends the consultation call if its far end hung up while
// the attended transfer was pending.
func (t *transferRun) endLegIfGone() {
	if t.cw != nil && chanClosed(t.cw.hungUp) {
		t.consult.end("remote hung up", 0)
	}
}

func chanClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// ReferProgress: a NOTIFY about a REFER of ours while no transfer follows
// it any more (it settled meanwhile); nothing to do.
func (c *activeCall) ReferProgress(p sip.ReferProgress) {
	c.p.o.log.Debug("transfer: late progress", "call", c.id, "code", p.Code)
}
