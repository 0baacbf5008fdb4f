package account

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// Pinger is a Registrar that can keep the NAT bindings of its flow open
// with one keep-alive per call; *sip.Registration implements it. Accounts
// whose registrar is not a Pinger send none.
type Pinger interface {
	KeepAlive(ctx context.Context) error
}

// FlowWatcher is a Registrar whose flow to the registrar can be lost
// without a packet of ours going unanswered (a TCP or TLS connection the
// registrar closed when it restarted): FlowUp says, without sending
// anything, whether it is still there. *sip.Registration implements it.
type FlowWatcher interface {
	FlowUp() bool
}

// DefaultKeepAlive is the keep-alive period of a registered account: under
// the 30 s that the shortest-lived home-router UDP bindings last.
const DefaultKeepAlive = 25 * time.Second

// DefaultPingTimeout is how long one keep-alive waits for its answer: a
// UDP OPTIONS is sent three times meanwhile.
const DefaultPingTimeout = 2 * time.Second

// DefaultUnreachableRetry caps the wait between REGISTERs while the
// registrar answers nothing, and DefaultQuickAttempt bounds each of those
// REGISTERs: the first REGISTER after it answers again comes within a few
// seconds.
const (
	DefaultUnreachableRetry = 2 * time.Second
	DefaultQuickAttempt     = 4 * time.Second
)

// DefaultFlowCheck is how often a registered stream flow is looked for.
const DefaultFlowCheck = time.Second

// missedRetry is the pause before the next keep-alive after one went
// unanswered (when shorter than the period): a registrar down for a
// moment is found back, and registered with again, within seconds.
const missedRetry = time.Second

// keepAliveMisses is how many unanswered keep-alives in a row make the
// path look dead (RFC 5626 lets a UDP keep-alive go missing now and then).
const keepAliveMisses = 3

// WithKeepAlive sets the period of keep-alives while registered (default
// DefaultKeepAlive); 0 or less sends none.
func WithKeepAlive(every time.Duration) Option { return func(o *options) { o.keepAlive = every } }

// WithKeepAliveTimeout sets how long one keep-alive waits for its answer
// (default DefaultPingTimeout; never longer than the period).
func WithKeepAliveTimeout(d time.Duration) Option { return func(o *options) { o.pingTimeout = d } }

// WithUnreachableRetry sets the longest wait between REGISTERs while the
// registrar answers nothing, and the bound of each of those REGISTERs
// (defaults DefaultUnreachableRetry, DefaultQuickAttempt); 0 falls back
// to WithBackoff and WithAttemptTimeout.
func WithUnreachableRetry(wait, attempt time.Duration) Option {
	return func(o *options) { o.unreachable, o.quickAttempt = wait, attempt }
}

// WithFlowCheck sets how often a registered TCP or TLS flow is looked for
// (default DefaultFlowCheck); 0 or less never.
func WithFlowCheck(every time.Duration) Option { return func(o *options) { o.flowEvery = every } }

// WithLogger sets where keep-alive failures are reported (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// keeper is the running keep-alive loop of a registered account. Only
// Run's goroutine touches it, so it needs no lock.
type keeper struct {
	cancel context.CancelFunc // nil when not running
	done   chan struct{}
}

// start runs the loops under ctx unless they run already or a has
// nothing to run them with.
func (k *keeper) start(ctx context.Context, a *Account) {
	p, ping := a.reg.(Pinger)
	ping = ping && a.o.keepAlive > 0
	f, flow := a.reg.(FlowWatcher)
	flow = flow && a.o.flowEvery > 0
	if k.cancel != nil || (!ping && !flow) {
		return
	}
	ctx, k.cancel = context.WithCancel(ctx)
	k.done = make(chan struct{})
	n := 0
	finished := make(chan struct{}, 2)
	if ping {
		n++
		go func() { a.keepAlive(ctx, p); finished <- struct{}{} }()
	}
	if flow {
		n++
		go func() { a.watchFlow(ctx, f); finished <- struct{}{} }()
	}
	go func() {
		defer close(k.done)
		for range n {
			<-finished
		}
	}()
}

// stop ends the loops and waits for them: after stop nothing more is sent.
func (k *keeper) stop() {
	if k.cancel == nil {
		return
	}
	k.cancel()
	<-k.done
	k.cancel, k.done = nil, nil
}

// keepAlive sends a keep-alive every period until ctx ends, each waiting
// at most pingTimeout for its answer. After a miss the next one goes
// sooner (missedRetry). A lost connection, keepAliveMisses unanswered
// keep-alives in a row, or an answer after a miss (the registrar may have
// restarted meanwhile and forgotten us) asks Run for an early REGISTER,
// which opens a new flow (or finds the registrar gone and stops the
// keep-alives).
func (a *Account) keepAlive(ctx context.Context, p Pinger) {
	t := time.NewTimer(a.o.keepAlive)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		wait := a.o.keepAlive
		if a.o.pingTimeout > 0 {
			wait = min(wait, a.o.pingTimeout)
		}
		pctx, cancel := context.WithTimeout(ctx, wait)
		err := p.KeepAlive(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		next := a.o.keepAlive
		if err == nil {
			if misses > 0 {
				a.o.log.Info("keep-alive answered again: registering again", "account", a.name, "misses", misses)
				if misses < keepAliveMisses {
					a.refreshSoon() // a streak that reached the limit has asked already
				}
			}
			misses = 0
			t.Reset(next)
			continue
		}
		misses++
		lost := errors.Is(err, sip.ErrFlowLost)
		switch {
		case lost && misses == 1, misses == keepAliveMisses:
			a.o.log.Warn("keep-alive failed: registering again", "account", a.name, "misses", misses, "error", err)
			misses = max(misses, keepAliveMisses) // one warning per streak
			a.refreshSoon()
		default:
			a.o.log.Debug("keep-alive failed", "account", a.name, "misses", misses, "error", err)
		}
		if misses < keepAliveMisses {
			next = min(next, missedRetry)
		}
		t.Reset(next)
	}
}

// watchFlow looks for the registration's flow every flowEvery and asks
// Run for a REGISTER as soon as it is gone (once per loss: the REGISTER
// opens a new one): a registrar that restarts closes our connection, and
// forgets our contact with it.
func (a *Account) watchFlow(ctx context.Context, f FlowWatcher) {
	t := time.NewTicker(a.o.flowEvery)
	defer t.Stop()
	asked := false
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		switch up := f.FlowUp(); {
		case up:
			asked = false
		case !asked:
			a.o.log.Warn("registration connection lost: registering again", "account", a.name)
			a.refreshSoon()
			asked = true
		}
	}
}

// refreshSoon asks Run to register again now, keeping its expiry and
// back-off (unlike Retry).
func (a *Account) refreshSoon() {
	select {
	case a.refresh <- struct{}{}:
	default:
	}
}

// Refresh asks Run to register again now, keeping its expiry and back-off:
// the phone's address toward the registrar changed.
func (a *Account) Refresh() { a.refreshSoon() }
