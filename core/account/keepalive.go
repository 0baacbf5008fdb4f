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

// DefaultKeepAlive is the keep-alive period of a registered account: under
// the 30 s that the shortest-lived home-router UDP bindings last.
const DefaultKeepAlive = 25 * time.Second

// keepAliveMisses is how many unanswered keep-alives in a row make the
// path look dead (RFC 5626 lets a UDP keep-alive go missing now and then).
const keepAliveMisses = 3

// WithKeepAlive sets the period of keep-alives while registered (default
// DefaultKeepAlive); 0 or less sends none.
func WithKeepAlive(every time.Duration) Option { return func(o *options) { o.keepAlive = every } }

// WithLogger sets where keep-alive failures are reported (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// keeper is the running keep-alive loop of a registered account. Only
// Run's goroutine touches it, so it needs no lock.
type keeper struct {
	cancel context.CancelFunc // nil when not running
	done   chan struct{}
}

// start runs the loop under ctx unless it runs already or a has nothing to
// send keep-alives with.
func (k *keeper) start(ctx context.Context, a *Account) {
	p, ok := a.reg.(Pinger)
	if k.cancel != nil || !ok || a.o.keepAlive <= 0 {
		return
	}
	ctx, k.cancel = context.WithCancel(ctx)
	k.done = make(chan struct{})
	go func() {
		defer close(k.done)
		a.keepAlive(ctx, p)
	}()
}

// stop ends the loop and waits for it: after stop nothing more is sent.
func (k *keeper) stop() {
	if k.cancel == nil {
		return
	}
	k.cancel()
	<-k.done
	k.cancel, k.done = nil, nil
}

// keepAlive sends a keep-alive every period until ctx ends. A lost
// connection, or keepAliveMisses unanswered keep-alives in a row, is
// reported once per streak and asks Run for an early REGISTER, which opens
// a new flow (or finds the registrar gone and stops the keep-alives).
func (a *Account) keepAlive(ctx context.Context, p Pinger) {
	t := time.NewTicker(a.o.keepAlive)
	defer t.Stop()
	misses := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		// An answer later than one period is no better than none, and the
		// next keep-alive is due then.
		pctx, cancel := context.WithTimeout(ctx, a.o.keepAlive)
		err := p.KeepAlive(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			if misses >= keepAliveMisses {
				a.o.log.Info("keep-alive answered again", "account", a.name)
			}
			misses = 0
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
