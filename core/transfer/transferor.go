package transfer

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
	referAcceptTimeout = 10 * time.Second // for the 202
	idleTimeout        = 30 * time.Second // for the transferee's next report
	maxWait            = 3 * time.Minute  // for its final report, however much progress
	byeGrace           = 5 * time.Second  // for that report once the far end hung up
)

// referWatch stands in for a call's dialog handler while our REFER in it
// awaits its outcome: it takes the NOTIFYs and holds back the far end's BYE.
type referWatch struct {
	sip.DialogHandler
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
	sip.DialogHandler
	hungUp chan struct{}
	once   sync.Once
}

func (w *legWatch) Bye() { w.once.Do(func() { close(w.hungUp) }) }

// run is one transfer of ours under way. Transfer fills it before its
// follow goroutine starts, which then owns it alone: no lock.
type run struct {
	a        *Agent
	c        Leg
	d        *sip.Dialog
	w        *referWatch
	consult  Leg // attended transfer only
	cd       *sip.Dialog
	cw       *legWatch
	heldByUs bool // the transfer put c on hold: failure resumes it
}

// Transfer asks c's far end to call referTo (made by sip.FormatReferTo):
// blind with consult nil, else attended, replacing the consultation call
// consult. c goes on hold first; Transfer returns once the far end
// accepted, and the transfer goes on until its outcome.
func (a *Agent) Transfer(ctx context.Context, c, consult Leg, referTo string) error {
	d := c.Dialog()
	if d == nil {
		return fmt.Errorf("transfer %s: %w", c.ID(), call.ErrTransition)
	}
	t := &run{a: a, c: c, d: d, consult: consult}
	t.w = &referWatch{DialogHandler: c.Handler(), progress: make(chan sip.ReferProgress, 8), hungUp: make(chan struct{}), done: make(chan struct{})}
	if !d.SwapHandler(c.Handler(), t.w) {
		return fmt.Errorf("transfer %s: %w", c.ID(), ErrBusy)
	}
	if consult != nil {
		t.cd = consult.Dialog()
		t.cw = &legWatch{DialogHandler: consult.Handler(), hungUp: make(chan struct{})}
		if t.cd == nil || !t.cd.SwapHandler(consult.Handler(), t.cw) {
			d.SwapHandler(t.w, c.Handler())
			return fmt.Errorf("transfer %s: %w", consult.ID(), ErrBusy)
		}
	}
	m := c.Machine()
	_ = m.Update(func(i *call.Info) { i.Transfer = Trying })
	if !m.Info().LocalHold {
		// RFC 5589 holds first; a peer that refuses the hold may still
		// take the REFER.
		if err := a.host.Hold(ctx, c.ID()); err != nil {
			a.log.Warn("transfer: could not hold the call first", "call", c.ID(), "error", err)
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
	a.log.Info("transfer requested", "call", c.ID(), "refer_to", referTo)
	go t.follow()
	return nil
}

// follow waits for the transferee's final report, the end of the call, or
// a timeout (see the rule at the top).
func (t *run) follow() {
	waits := t.a.waits
	idle := time.NewTimer(waits.Idle)
	defer idle.Stop()
	limit := time.NewTimer(waits.Max)
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
				_ = t.c.Machine().Update(func(i *call.Info) { i.Transfer = Ringing })
			default:
				_ = t.c.Machine().Update(func(i *call.Info) { i.Transfer = Trying })
			}
			progressed = true
			idle.Reset(waits.Idle)
		case <-hungUp:
			// Not an outcome by itself: the report may still follow.
			hungUp = nil
			if grace == nil {
				grace = time.After(byeGrace)
			}
		case <-legHungUp:
			legHungUp = nil
			if grace == nil {
				grace = time.After(byeGrace)
			}
		case <-grace:
			t.fail("no report after the far end hung up")
			return
		case <-idle.C:
			t.timedOut(progressed, waits.Idle)
			return
		case <-limit.C:
			t.timedOut(progressed, waits.Max)
			return
		case <-t.c.Ended():
			t.settle() // the user hung up meanwhile
			t.endLegIfGone()
			return
		}
	}
}

// timedOut ends a transfer left without a final report for d: a failure
// if nothing at all came, else only the end of the following (see the
// rule at the top).
func (t *run) timedOut(progressed bool, d time.Duration) {
	if !progressed {
		t.fail(fmt.Sprintf("no report within %v", d))
		return
	}
	t.abandon(NoFinal)
}

// settle stops following the REFER and gives the calls their own
// handlers back.
func (t *run) settle() {
	close(t.w.done)
	t.d.EndRefer()
	t.d.SwapHandler(t.w, t.c.Handler())
	if t.cw != nil {
		t.cd.SwapHandler(t.cw, t.consult.Handler())
	}
}

func (t *run) succeed() {
	close(t.w.done)
	t.d.EndRefer()
	t.a.log.Info("transfer done", "call", t.c.ID())
	_ = t.c.Machine().Update(func(i *call.Info) { i.Transfer = Done })
	t.c.End("transferred", 0, !closed(t.w.hungUp))
	if t.consult != nil {
		_ = t.consult.Machine().Update(func(i *call.Info) { i.Transfer = Done })
		t.consult.End("transferred", 0, !closed(t.cw.hungUp))
	}
}

// fail shows why and gives the call back: resumed when the far end is
// still there and the transfer held it (or it was a blind transfer).
func (t *run) fail(reason string) {
	if !t.abandon(reason) {
		return
	}
	if (t.heldByUs || t.consult == nil) && t.c.Machine().Info().LocalHold {
		if err := t.a.host.Resume(t.a.life, t.c.ID()); err != nil {
			t.a.log.Warn("transfer failed: could not resume the call", "call", t.c.ID(), "error", err)
		}
	}
}

// abandon stops following the transfer and shows why it failed, leaving
// the call as it is; false when the far end hung up meanwhile (the call
// ends).
func (t *run) abandon(reason string) bool {
	t.settle()
	t.a.log.Info("transfer failed", "call", t.c.ID(), "reason", reason)
	_ = t.c.Machine().Update(func(i *call.Info) { i.Transfer = Failed + reason })
	t.endLegIfGone()
	if closed(t.w.hungUp) {
		t.c.End("remote hung up", 0, false)
		return false
	}
	return true
}

// endLegIfGone ends the consultation call if its far end hung up while
// the attended transfer was pending.
func (t *run) endLegIfGone() {
	if t.cw != nil && closed(t.cw.hungUp) {
		t.consult.End("remote hung up", 0, false)
	}
}
