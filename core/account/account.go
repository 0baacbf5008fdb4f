package account

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// Registrar sends one REGISTER and reports the final answer; *sip.Registration
// implements it, tests use a fake.
type Registrar interface {
	Register(ctx context.Context, expires int) (sip.RegisterResult, error)
}

// Account keeps one account registered: it refreshes before the granted
// expiry, follows 423 Min-Expires and Retry-After, backs off while the
// registrar is unreachable, and stops retrying when the credentials are refused.
type Account struct {
	name    string
	reg     Registrar
	expires int
	o       options
	kick    chan struct{} // Retry: register now, from scratch
	refresh chan struct{} // the keep-alives found the path dead: register now

	mu     sync.Mutex
	status Status
	bound  bool // a REGISTER may have bound our contact: unregister on exit
}

type options struct {
	after          func(time.Duration) <-chan time.Time
	now            func() time.Time
	attemptTimeout time.Duration
	backoffMin     time.Duration
	backoffMax     time.Duration
	keepAlive      time.Duration
	pingTimeout    time.Duration // one keep-alive's wait for its answer
	unreachable    time.Duration // the longest wait between tries while nothing answers
	quickAttempt   time.Duration // one REGISTER's bound while nothing answers
	flowEvery      time.Duration // how often a stream flow's presence is checked
	log            *slog.Logger
}

// Option configures an Account.
type Option func(*options)

// WithTimer replaces time.After, so tests can fire timers themselves.
func WithTimer(after func(time.Duration) <-chan time.Time) Option {
	return func(o *options) { o.after = after }
}

// WithClock replaces time.Now for the timestamps of Status.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// WithAttemptTimeout bounds one REGISTER with its challenge round trip
// (default 32 s, the RFC 3261 Timer F).
func WithAttemptTimeout(d time.Duration) Option { return func(o *options) { o.attemptTimeout = d } }

// WithBackoff sets the first and the largest delay between retries while
// the registrar answers with an error (default 2 s, 5 min). While it does
// not answer at all, see WithUnreachableRetry.
func WithBackoff(first, max time.Duration) Option {
	return func(o *options) { o.backoffMin, o.backoffMax = first, max }
}

// New prepares an account that asks for expires seconds.
func New(name string, reg Registrar, expires int, opts ...Option) *Account {
	o := options{after: time.After, now: time.Now, attemptTimeout: 32 * time.Second, backoffMin: 2 * time.Second, backoffMax: 5 * time.Minute,
		keepAlive: DefaultKeepAlive, pingTimeout: DefaultPingTimeout, unreachable: DefaultUnreachableRetry,
		quickAttempt: DefaultQuickAttempt, flowEvery: DefaultFlowCheck, log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	a := &Account{name: name, reg: reg, expires: expires, o: o, kick: make(chan struct{}, 1), refresh: make(chan struct{}, 1)}
	a.status = Status{Account: name, State: Unregistered, At: o.now()}
	return a
}

// Status is the account's current registration.
func (a *Account) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status
}

// Retry asks Run to register now, also after a refused password.
func (a *Account) Retry() {
	select {
	case a.kick <- struct{}{}:
	default:
	}
}

// Run keeps the account registered until ctx ends; emit receives every
// change of Status. While registered it sends keep-alives (see
// WithKeepAlive), stopped before it returns. It does not unregister: call
// Unregister after it returns.
func (a *Account) Run(ctx context.Context, emit func(Status)) {
	expires := a.expires
	failures := 0
	silent := 0    // REGISTERs in a row that got no answer at all
	doubt := false // the keep-alives or the network watch doubt the path
	var keep keeper
	defer keep.stop()
	for {
		select { // this REGISTER answers an early refresh asked meanwhile
		case <-a.refresh:
		default:
		}
		if st := a.Status().State; st != Registered && st != Registering {
			a.set(emit, Status{State: Registering})
		}
		a.mu.Lock()
		a.bound = true
		a.mu.Unlock()
		actx, cancel := context.WithTimeout(ctx, a.attemptTimeout(silent, doubt))
		doubt = false
		res, err := a.reg.Register(actx, expires)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, sip.ErrNoResponse) {
			silent++
		} else {
			silent = 0
		}
		var next Status
		wait := time.Duration(0) // 0: wait for Retry only
		switch {
		case errors.Is(err, sip.ErrAuth):
			next = Status{State: Failed, Code: res.Code, Reason: authReason(res, err)}
		case silent > 0:
			// Nothing answers (down, restarting, or our network moved):
			// try again soon, so that the first REGISTER after it is back
			// comes within seconds. Each try is a few datagrams, or a
			// refused connection. The back-off of error answers starts
			// afresh once it answers (failures counts those only).
			wait = a.unreachableWait(silent)
			next = Status{State: Failed, Reason: err.Error()}
		case err != nil:
			failures++
			wait = a.backoff(failures)
			next = Status{State: Failed, Reason: err.Error()}
		case res.Code >= 200 && res.Code < 300 && res.Expires > 0:
			failures = 0
			wait = refreshIn(res.Expires)
			next = Status{State: Registered, Code: res.Code, Expires: res.Expires}
		case res.Code >= 200 && res.Code < 300:
			failures++
			wait = a.backoff(failures)
			next = Status{State: Failed, Code: res.Code, Reason: fmt.Sprintf("%d %s: the registrar did not keep our contact", res.Code, res.Reason)}
		case res.Code == 423 && res.MinExpires > expires:
			expires = res.MinExpires // Interval Too Brief: ask again at once
			continue
		case res.Code == 401 || res.Code == 407 || res.Code == 403 || res.Code == 404:
			// Retrying refused credentials or an unknown user would only
			// hammer the server (and may get the address banned).
			next = Status{State: Failed, Code: res.Code, Reason: fmt.Sprintf("%d %s", res.Code, res.Reason)}
		default:
			failures++
			wait = a.backoff(failures)
			if res.RetryAfter > 0 {
				wait = res.RetryAfter
			}
			next = Status{State: Failed, Code: res.Code, Reason: fmt.Sprintf("%d %s", res.Code, res.Reason)}
		}
		a.mu.Lock()
		a.bound = next.State == Registered
		a.mu.Unlock()
		if next.State == Failed {
			next.RetryIn = wait
		}
		a.set(emit, next)
		if next.State == Registered {
			keep.start(ctx, a)
		} else {
			keep.stop()
		}

		var timer <-chan time.Time
		if wait > 0 {
			timer = a.o.after(wait)
		}
		select {
		case <-ctx.Done():
			return
		case <-a.kick:
			failures, expires, silent = 0, a.expires, 0
		case <-a.refresh:
			doubt = true
		case <-timer:
		}
	}
}

// Unregister removes our contact (Expires: 0) if a REGISTER may have bound
// it, within ctx, and leaves the account Unregistered either way.
func (a *Account) Unregister(ctx context.Context, emit func(Status)) error {
	a.mu.Lock()
	bound := a.bound
	a.mu.Unlock()
	var err error
	if bound {
		var res sip.RegisterResult
		res, err = a.reg.Register(ctx, 0)
		if err == nil && (res.Code < 200 || res.Code >= 300) {
			err = fmt.Errorf("unregister %s: %d %s", a.name, res.Code, res.Reason)
		} else if err != nil {
			err = fmt.Errorf("unregister %s: %w", a.name, err)
		}
	}
	a.mu.Lock()
	a.bound = false
	a.mu.Unlock()
	a.set(emit, Status{State: Unregistered})
	return err
}

func (a *Account) set(emit func(Status), s Status) {
	s.Account = a.name
	s.At = a.o.now()
	a.mu.Lock()
	a.status = s
	a.mu.Unlock()
	if emit != nil {
		emit(s)
	}
}

// backoff doubles from backoffMin up to backoffMax.
func (a *Account) backoff(failures int) time.Duration {
	d := a.o.backoffMin
	for i := 1; i < failures && d < a.o.backoffMax; i++ {
		d *= 2
	}
	return min(d, a.o.backoffMax)
}

// attemptTimeout bounds the next REGISTER: the RFC's 32 s normally, a
// few seconds while the registrar is silent or the path is in doubt (a
// UDP REGISTER's retransmissions are then sent at most a few seconds
// apart, and the next try follows at once), except every fifth silent
// try, which gets the full bound so that a slow but working path still
// gets through.
func (a *Account) attemptTimeout(silent int, doubt bool) time.Duration {
	quick := (doubt && silent == 0) || (silent > 0 && silent%5 != 0)
	if !quick || a.o.quickAttempt <= 0 {
		return a.o.attemptTimeout
	}
	return min(a.o.quickAttempt, a.o.attemptTimeout)
}

// unreachableWait is the pause after the silent-th unanswered REGISTER in
// a row: half the cap first, then the cap (the ordinary back-off when no
// cap is set).
func (a *Account) unreachableWait(silent int) time.Duration {
	if a.o.unreachable <= 0 {
		return a.backoff(silent)
	}
	if silent <= 1 {
		return a.o.unreachable / 2
	}
	return a.o.unreachable
}

// refreshIn renews well before the granted expiry, leaving room for a
// challenge round trip and a retransmission or two; a huge grant is
// capped rather than overflowing into a refresh storm.
func refreshIn(granted int) time.Duration { return sip.RefreshAfter(granted) }

func authReason(res sip.RegisterResult, err error) string {
	if res.Code != 0 {
		return fmt.Sprintf("%d %s: wrong username or password", res.Code, res.Reason)
	}
	return err.Error()
}
