package sip

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo/sip"
)

// SubscribeOptions describe one event subscription (RFC 6665).
type SubscribeOptions struct {
	From    Target   // the account subscribing
	To      string   // the resource: sip:bob@example.com, or the account's own AoR
	Event   string   // "dialog", "message-summary", "presence"
	Accept  []string // body types we take, e.g. application/dialog-info+xml
	Expires int      // seconds asked for; 0 = DefaultSubscribeExpires
	// Notify receives each NOTIFY's content, one at a time and in CSeq
	// order, on sipgo's goroutine: it must not block.
	Notify func(Notification)
	// State, when set, receives the subscription's state changes.
	State func(SubscriptionState)
	// Backoff between failed attempts: first and largest delay
	// (default 5 s and 5 min).
	RetryMin, RetryMax time.Duration
}

// DefaultSubscribeExpires is the subscription lifetime asked by default.
const DefaultSubscribeExpires = 3600

// Notification is one NOTIFY of a subscription.
type Notification struct {
	Event       string
	ContentType string // lower case, without parameters
	Body        []byte
	State       string // Subscription-State: "active", "pending", "terminated"
	Reason      string // with "terminated": timeout, deactivated, rejected...
	// First is true for the first NOTIFY of a new subscription dialog:
	// what was known from an earlier one no longer holds.
	First bool
}

// SubscriptionState is where a subscription stands.
type SubscriptionState struct {
	Active  bool          // a SUBSCRIBE was accepted and has not ended
	Code    int           // last final response to SUBSCRIBE (0: none)
	Reason  string        // why it is not active
	RetryIn time.Duration // when the next attempt is due (not Active)
}

// Subscription keeps one subscription alive: it refreshes before expiry,
// starts over after a terminated NOTIFY, a 481 or a failure (with
// backoff), and unsubscribes on Stop.
type Subscription struct {
	ua   *UA
	o    SubscribeOptions
	to   sip.Uri
	stop chan struct{}
	done chan struct{}
	once sync.Once

	stopCtx context.Context // bounds the unsubscribe; set by Stop
	mu      sync.Mutex
	cur     *subDialog // the dialog in use, nil between attempts
}

// Subscribe starts a subscription; it runs until Stop or the UA closes.
func (u *UA) Subscribe(o SubscribeOptions) (*Subscription, error) {
	if err := eventToken(o.Event); err != nil {
		return nil, err
	}
	switch o.From.Transport {
	case "udp", "tcp", "tls":
	default:
		return nil, fmt.Errorf("sip: transport %q: want udp, tcp or tls", o.From.Transport)
	}
	to, err := ParseTarget(o.To)
	if err != nil {
		return nil, err
	}
	for _, a := range o.Accept {
		if err := checkHeaderValue("Accept", a); err != nil || strings.ContainsAny(a, ",") {
			return nil, fmt.Errorf("sip: accept %q: want one media type", a)
		}
	}
	if o.Expires <= 0 {
		o.Expires = DefaultSubscribeExpires
	}
	if o.RetryMin <= 0 {
		o.RetryMin = 5 * time.Second
	}
	if o.RetryMax < o.RetryMin {
		o.RetryMax = max(5*time.Minute, o.RetryMin)
	}
	if o.From.AuthUsername == "" {
		o.From.AuthUsername = o.From.Username
	}
	s := &Subscription{ua: u, o: o, to: to, stop: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s, nil
}

// Stop ends the subscription: an unsubscribe (Expires: 0) bounded by ctx,
// then it waits for the loop to finish. Stopping twice is a no-op.
func (s *Subscription) Stop(ctx context.Context) {
	s.once.Do(func() {
		s.mu.Lock()
		s.stopCtx = ctx
		s.mu.Unlock()
		close(s.stop)
	})
	select {
	case <-s.done:
	case <-ctx.Done():
	}
}

// Resource is the subscribed URI.
func (s *Subscription) Resource() string { return s.to.String() }

func (s *Subscription) state(st SubscriptionState) {
	if s.o.State != nil {
		s.o.State(st)
	}
}

// attemptTimeout bounds one SUBSCRIBE with its challenge round trip.
const attemptTimeout = 32 * time.Second

// minRefresh keeps a server granting tiny lifetimes from making us spin.
const minRefresh = 2 * time.Second

func (s *Subscription) run() {
	defer close(s.done)
	// ctx ends on Stop; a SUBSCRIBE on its way is not abandoned then (the
	// server would keep a subscription we no longer know): uaCtx, which
	// ends only with the UA, bounds it, and the unsubscribe follows.
	uaCtx, uaCancel := context.WithCancel(context.Background())
	defer uaCancel()
	ctx, cancel := context.WithCancel(uaCtx)
	defer cancel()
	go func() {
		select {
		case <-s.stop:
			cancel()
		case <-s.ua.done:
			uaCancel()
			return
		case <-uaCtx.Done():
			return
		}
		select {
		case <-s.ua.done:
			uaCancel()
		case <-uaCtx.Done():
		}
	}()
	failures := 0
	for {
		d, res, err := s.establish(uaCtx)
		if ctx.Err() != nil {
			if d != nil {
				s.end(d)
			}
			return
		}
		if err != nil {
			failures++
			wait := s.retryDelay(failures, res, err)
			st := SubscriptionState{Reason: err.Error(), RetryIn: wait}
			if res != nil {
				st.Code = res.StatusCode
			}
			s.ua.log.Debug("sip: subscribe failed", "event", s.o.Event, "to", s.o.To, "error", err, "retry_in", wait)
			s.state(st)
			if !s.sleep(ctx, wait) {
				return
			}
			continue
		}
		s.state(SubscriptionState{Active: true, Code: res.StatusCode})
		started := time.Now()
		wait, why := s.keep(ctx, d)
		if ctx.Err() != nil {
			s.end(d)
			return
		}
		s.drop(d)
		if time.Since(started) < time.Minute {
			// It ended soon after it began: do not hammer a server that
			// accepts and then drops us.
			failures++
			wait = max(wait, s.backoff(failures))
		} else {
			failures = 0
		}
		s.state(SubscriptionState{Reason: why, RetryIn: wait})
		if !s.sleep(ctx, wait) {
			return
		}
	}
}

// keep refreshes an established subscription until it ends; it returns
// how long to wait before starting over, and why.
func (s *Subscription) keep(ctx context.Context, d *subDialog) (time.Duration, string) {
	for {
		timer := time.NewTimer(max(minRefresh, RefreshAfter(d.granted())))
		select {
		case <-ctx.Done():
			timer.Stop()
			return 0, "stopped"
		case t := <-d.terminated:
			timer.Stop()
			return t.wait, "terminated: " + t.reason
		case <-timer.C:
		}
		actx, cancel := context.WithTimeout(ctx, attemptTimeout)
		res, err := s.ua.subscribeInDialog(actx, d, s.o, s.o.Expires)
		cancel()
		switch {
		case ctx.Err() != nil:
			return 0, "stopped"
		case err != nil:
			return 0, "refresh: " + err.Error()
		case res.StatusCode == sip.StatusCallTransactionDoesNotExists:
			return 0, "refresh: 481: the server forgot the subscription"
		case res.StatusCode == sip.StatusIntervalToBrief:
			if n := minExpires(res); n > s.o.Expires && n <= MaxGranted {
				s.o.Expires = n
			}
			continue
		case !res.IsSuccess():
			return 0, fmt.Sprintf("refresh: %d %s", res.StatusCode, res.Reason)
		}
		d.setGranted(grantedExpires(res, s.o.Expires))
	}
}

// end unsubscribes (bounded by Stop's context) and forgets the dialog
// once its final NOTIFY came or a while passed.
func (s *Subscription) end(d *subDialog) {
	s.mu.Lock()
	ctx := s.stopCtx
	s.mu.Unlock()
	if ctx == nil {
		ctx = context.Background() // the UA closes: nothing will go out anyway
	}
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	d.quiet() // the final NOTIFY is answered, not delivered
	if _, err := s.ua.subscribeInDialog(ctx, d, s.o, 0); err != nil {
		s.ua.log.Debug("sip: unsubscribe", "event", s.o.Event, "to", s.o.To, "error", err)
	}
	s.state(SubscriptionState{Reason: "stopped"})
	time.AfterFunc(lingerAfterEnd, func() { s.ua.events.forget(d) })
}

// lingerAfterEnd is how long a dialog we left still answers NOTIFYs (the
// server's last one may be late): Timer F.
const lingerAfterEnd = 32 * time.Second

func (s *Subscription) drop(d *subDialog) {
	s.mu.Lock()
	if s.cur == d {
		s.cur = nil
	}
	s.mu.Unlock()
	d.quiet()
	time.AfterFunc(lingerAfterEnd, func() { s.ua.events.forget(d) })
}

func (s *Subscription) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (s *Subscription) backoff(failures int) time.Duration {
	d := s.o.RetryMin
	for i := 1; i < failures && d < s.o.RetryMax; i++ {
		d *= 2
	}
	return min(d, s.o.RetryMax)
}

// retryDelay picks the wait after a failed SUBSCRIBE: refusals that will
// not change soon (unknown event or user, bad credentials) wait longest.
func (s *Subscription) retryDelay(failures int, res *sip.Response, err error) time.Duration {
	if errors.Is(err, ErrAuth) {
		return s.o.RetryMax
	}
	if res != nil {
		if ra := retryAfter(res); ra > 0 {
			return min(ra, s.o.RetryMax*2)
		}
		switch res.StatusCode {
		case statusBadEvent, sip.StatusNotFound, sip.StatusForbidden, sip.StatusMethodNotAllowed, sip.StatusNotImplemented:
			return s.o.RetryMax
		}
	}
	return s.backoff(failures)
}

// establish sends a new SUBSCRIBE (new Call-ID and tag) and returns the
// dialog once accepted.
func (s *Subscription) establish(ctx context.Context) (*subDialog, *sip.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	for range 3 { // 423 Interval Too Brief: ask again with its Min-Expires
		or, err := s.ua.newOutRequest(ctx, sip.SUBSCRIBE, &s.o.From, s.to, Early{})
		if err != nil {
			return nil, nil, err
		}
		d := newSubDialog(s, or)
		s.ua.events.add(d) // before sending: the first NOTIFY may beat the 200
		s.mu.Lock()
		s.cur = d
		s.mu.Unlock()
		addSubscribeHeaders(or.req, or.contact, s.o, s.o.Expires)
		res, err := s.ua.doAuth(ctx, or.req, or.cred)
		if err == nil && res.StatusCode == sip.StatusIntervalToBrief {
			s.ua.events.forget(d)
			if n := minExpires(res); n > s.o.Expires && n <= MaxGranted {
				s.o.Expires = n
				continue
			}
			return nil, res, fmt.Errorf("sip: SUBSCRIBE: %d %s", res.StatusCode, res.Reason)
		}
		if err != nil || !res.IsSuccess() {
			s.ua.events.forget(d)
			s.mu.Lock()
			s.cur = nil
			s.mu.Unlock()
			if err == nil {
				err = fmt.Errorf("sip: SUBSCRIBE %s: %w", s.o.To, statusError(res))
			}
			return nil, res, err
		}
		d.confirm(res, or.req.CSeq().SeqNo)
		return d, res, nil
	}
	return nil, nil, errors.New("sip: SUBSCRIBE: too many 423 answers")
}

func addSubscribeHeaders(req *sip.Request, contact *sip.ContactHeader, o SubscribeOptions, expires int) {
	exp := sip.ExpiresHeader(expires)
	req.AppendHeader(contact)
	req.AppendHeader(sip.NewHeader("Event", o.Event))
	for _, a := range o.Accept {
		req.AppendHeader(sip.NewHeader("Accept", a))
	}
	req.AppendHeader(&exp)
	req.AppendHeader(sip.NewHeader("Allow", allowed))
	req.SetBody(nil)
}

// MaxGranted bounds a lifetime (seconds) a server grants us: a day is far
// beyond what servers give, and a big enough number overflows the refresh
// arithmetic (a negative wait: a storm of refreshes).
const MaxGranted = 24 * 3600

// RefreshAfter is when to renew a lifetime of granted seconds: at 85 %,
// leaving room for a challenge round trip and a retransmission or two.
// granted is clamped to 0..MaxGranted first.
func RefreshAfter(granted int) time.Duration {
	return time.Duration(min(max(granted, 0), MaxGranted)) * time.Second * 85 / 100
}

// grantedExpires reads the lifetime the notifier granted, at most
// MaxGranted.
func grantedExpires(res *sip.Response, asked int) int {
	if h := res.GetHeader("Expires"); h != nil {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Value())); err == nil && n >= 0 {
			return min(n, MaxGranted)
		}
	}
	return asked
}

func minExpires(res *sip.Response) int {
	if h := res.GetHeader("Min-Expires"); h != nil {
		n, _ := strconv.Atoi(strings.TrimSpace(h.Value()))
		return n
	}
	return 0
}

func retryAfter(res *sip.Response) time.Duration {
	h := res.GetHeader("Retry-After")
	if h == nil {
		return 0
	}
	v := strings.TrimSpace(h.Value())
	if i := strings.IndexAny(v, " (;"); i >= 0 {
		v = v[:i]
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		return 0
	}
	return time.Duration(n) * time.Second
}

// Status codes of the event framework sipgo does not name.
const (
	statusBadEvent                 = 489 // RFC 6665: event package not supported
	statusConditionalRequestFailed = 412 // RFC 3903: unknown entity tag
)
