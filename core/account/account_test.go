package account

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// fakeRegistrar answers each REGISTER with the next scripted reply and
// reports the Expires it was asked for.
type fakeRegistrar struct {
	asked   chan int
	replies chan reply
}

type reply struct {
	res sip.RegisterResult
	err error
}

func (f *fakeRegistrar) Register(ctx context.Context, expires int) (sip.RegisterResult, error) {
	f.asked <- expires
	select {
	case r := <-f.replies:
		return r.res, r.err
	case <-ctx.Done():
		return sip.RegisterResult{}, ctx.Err()
	}
}

// fakeTimer hands every requested delay to the test, which fires it.
type fakeTimer struct{ requests chan timerReq }

type timerReq struct {
	d    time.Duration
	fire chan time.Time
}

func (f *fakeTimer) after(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	f.requests <- timerReq{d, c}
	return c
}

type harness struct {
	t      *testing.T
	reg    *fakeRegistrar
	timer  *fakeTimer
	events chan Status
	acc    *Account
	cancel context.CancelFunc
	done   chan struct{}
}

func start(t *testing.T, expires int) *harness {
	t.Helper()
	h := newHarness(t)
	h.run(New("alice", h.reg, expires, WithTimer(h.timer.after), WithBackoff(2*time.Second, 30*time.Second)))
	return h
}

// newHarness is a harness whose account is not made yet.
func newHarness(t *testing.T) *harness {
	return &harness{
		t:      t,
		reg:    &fakeRegistrar{asked: make(chan int, 10), replies: make(chan reply, 10)},
		timer:  &fakeTimer{requests: make(chan timerReq, 10)},
		events: make(chan Status, 100),
		done:   make(chan struct{}),
	}
}

// run runs acc until the test ends, its statuses into h.events.
func (h *harness) run(acc *Account) {
	h.acc = acc
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() {
		defer close(h.done)
		h.acc.Run(ctx, func(s Status) { h.events <- s })
	}()
	h.t.Cleanup(func() { cancel(); <-h.done })
}

func (h *harness) expectAsked(want int) {
	h.t.Helper()
	select {
	case got := <-h.reg.asked:
		if got != want {
			h.t.Fatalf("REGISTER asked Expires %d, want %d", got, want)
		}
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no REGISTER sent (want Expires %d)", want)
	}
}

func (h *harness) answer(res sip.RegisterResult, err error) { h.reg.replies <- reply{res, err} }

func (h *harness) expectState(want State) Status {
	h.t.Helper()
	select {
	case s := <-h.events:
		if s.State != want {
			h.t.Fatalf("state %v (%s), want %v", s.State, s.Reason, want)
		}
		if s.Account != "alice" {
			h.t.Fatalf("status for %q", s.Account)
		}
		return s
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no state change (want %v)", want)
	}
	return Status{}
}

func (h *harness) expectTimer(want time.Duration) timerReq {
	h.t.Helper()
	select {
	case r := <-h.timer.requests:
		if r.d != want {
			h.t.Fatalf("timer %v, want %v", r.d, want)
		}
		return r
	case <-time.After(5 * time.Second):
		h.t.Fatalf("no timer set (want %v)", want)
	}
	return timerReq{}
}

func (h *harness) expectNoTimer() {
	h.t.Helper()
	select {
	case r := <-h.timer.requests:
		h.t.Fatalf("unexpected timer %v", r.d)
	case <-time.After(50 * time.Millisecond):
	}
}

func ok(expires int) sip.RegisterResult {
	return sip.RegisterResult{Code: 200, Reason: "OK", Expires: expires}
}

func TestRegisterThenRefreshBeforeGrantedExpiry(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(ok(120), nil) // the registrar grants less than asked
	s := h.expectState(Registered)
	if s.Expires != 120 || s.Code != 200 {
		t.Fatalf("status %+v", s)
	}
	r := h.expectTimer(102 * time.Second) // 85 % of the granted 120 s
	r.fire <- time.Now()
	h.expectAsked(600)
	h.answer(ok(120), nil)
	// A refresh does not flicker through "registering".
	h.expectState(Registered)
	h.expectTimer(102 * time.Second)
}

func TestIntervalTooBriefAsksAgainWithMinExpires(t *testing.T) {
	h := start(t, 30)
	h.expectState(Registering)
	h.expectAsked(30)
	h.answer(sip.RegisterResult{Code: 423, Reason: "Interval Too Brief", MinExpires: 300}, nil)
	h.expectAsked(300)
	h.answer(ok(300), nil)
	h.expectState(Registered)
}

func TestRetryAfterIsHonoured(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(sip.RegisterResult{Code: 503, Reason: "Service Unavailable", RetryAfter: 7 * time.Second}, nil)
	s := h.expectState(Failed)
	if s.Code != 503 || s.Reason != "503 Service Unavailable" || s.RetryIn != 7*time.Second {
		t.Fatalf("status %+v", s)
	}
	h.expectTimer(7 * time.Second).fire <- time.Now()
	h.expectState(Registering)
	h.expectAsked(600)
}

func TestErrorAnswersBackOffExponentiallyCappedAndRecover(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	for _, want := range []time.Duration{2, 4, 8, 16, 30, 30} {
		h.expectAsked(600)
		h.answer(sip.RegisterResult{Code: 500, Reason: "Server Internal Error"}, nil)
		s := h.expectState(Failed)
		if s.RetryIn != want*time.Second {
			t.Fatalf("retry in %v, want %v", s.RetryIn, want*time.Second)
		}
		h.expectTimer(want * time.Second).fire <- time.Now()
		h.expectState(Registering)
	}
	h.expectAsked(600)
	h.answer(ok(600), nil)
	h.expectState(Registered)
}

// While nothing answers, the tries come every DefaultUnreachableRetry at
// most, so that a registrar back from a restart sees us within seconds.
func TestUnreachableRetriesSoonCappedAndRecovers(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	for _, want := range []time.Duration{DefaultUnreachableRetry / 2, DefaultUnreachableRetry, DefaultUnreachableRetry, DefaultUnreachableRetry} {
		h.expectAsked(600)
		h.answer(sip.RegisterResult{}, fmt.Errorf("%w: 127.0.0.1:5060: timeout", sip.ErrNoResponse))
		s := h.expectState(Failed)
		if s.RetryIn != want {
			t.Fatalf("retry in %v, want %v", s.RetryIn, want)
		}
		h.expectTimer(want).fire <- time.Now()
		h.expectState(Registering)
	}
	h.expectAsked(600)
	h.answer(ok(600), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(600))

	// An answer, even an error, ends the quick tries; the silence before
	// it does not count in the error answers' back-off (a registrar
	// coming back with a 500 or two is not made to wait minutes).
	h.acc.Retry()
	for _, want := range []time.Duration{DefaultUnreachableRetry / 2, DefaultUnreachableRetry, DefaultUnreachableRetry} {
		h.expectAsked(600)
		h.answer(sip.RegisterResult{}, fmt.Errorf("%w: timeout", sip.ErrNoResponse))
		h.expectState(Failed)
		h.expectTimer(want).fire <- time.Now()
		h.expectState(Registering)
	}
	h.expectAsked(600)
	h.answer(sip.RegisterResult{Code: 500, Reason: "Server Internal Error"}, nil)
	h.expectState(Failed)
	h.expectTimer(2 * time.Second).fire <- time.Now()
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(sip.RegisterResult{Code: 500, Reason: "Server Internal Error"}, nil)
	h.expectState(Failed)
	h.expectTimer(4 * time.Second)
}

// deadlines records how long each REGISTER may take.
type deadlines struct {
	left chan time.Duration
}

func (d *deadlines) Register(ctx context.Context, _ int) (sip.RegisterResult, error) {
	dl, _ := ctx.Deadline()
	d.left <- time.Until(dl)
	return sip.RegisterResult{}, fmt.Errorf("%w: timeout", sip.ErrNoResponse)
}

// While nothing answers, each REGISTER gets a few seconds, except every
// fifth, which gets the full bound (a slow path still gets through).
func TestUnreachableAttemptsAreShortExceptEveryFifth(t *testing.T) {
	d := &deadlines{left: make(chan time.Duration, 20)}
	fire := func(time.Duration) <-chan time.Time {
		c := make(chan time.Time, 1)
		c <- time.Now()
		return c
	}
	acc := New("alice", d, 600, WithTimer(fire), WithAttemptTimeout(30*time.Second))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); acc.Run(ctx, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	for i := range 11 {
		left := <-d.left
		long := i == 0 || i%5 == 0 // the first, and every fifth silent one
		if long && left <= DefaultQuickAttempt {
			t.Fatalf("attempt %d: %v to answer, want the full 30 s", i, left)
		}
		if !long && left > DefaultQuickAttempt {
			t.Fatalf("attempt %d: %v to answer, want at most %v", i, left, DefaultQuickAttempt)
		}
	}
}

func TestWrongPasswordFailsWithoutRetryUntilAsked(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(sip.RegisterResult{Code: 401, Reason: "Unauthorized"}, fmt.Errorf("%w: 401 Unauthorized", sip.ErrAuth))
	s := h.expectState(Failed)
	if s.Code != 401 || s.RetryIn != 0 || s.Reason != "401 Unauthorized: wrong username or password" {
		t.Fatalf("status %+v", s)
	}
	h.expectNoTimer()
	h.acc.Retry()
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(ok(600), nil)
	h.expectState(Registered)
}

func TestForbiddenIsFinal(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(sip.RegisterResult{Code: 403, Reason: "Forbidden"}, nil)
	if s := h.expectState(Failed); s.RetryIn != 0 {
		t.Fatalf("retry scheduled after 403: %+v", s)
	}
	h.expectNoTimer()
}

func TestUnregisterRemovesContactOnlyWhenBound(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(ok(600), nil)
	h.expectState(Registered)
	h.cancel()
	<-h.done
	h.answer(ok(0), nil)
	if err := h.acc.Unregister(context.Background(), func(s Status) { h.events <- s }); err != nil {
		t.Fatal(err)
	}
	h.expectAsked(0)
	h.expectState(Unregistered)

	// Never registered (auth refused): nothing to remove, nothing sent.
	h2 := start(t, 600)
	h2.expectState(Registering)
	h2.expectAsked(600)
	h2.answer(sip.RegisterResult{Code: 403, Reason: "Forbidden"}, nil)
	h2.expectState(Failed)
	h2.cancel()
	<-h2.done
	if err := h2.acc.Unregister(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-h2.reg.asked:
		t.Fatalf("unregister sent a REGISTER (Expires %d) for an unbound account", e)
	default:
	}
}

func TestUnregisterIsBoundedByContext(t *testing.T) {
	h := start(t, 600)
	h.expectState(Registering)
	h.expectAsked(600)
	h.answer(ok(600), nil)
	h.expectState(Registered)
	h.cancel()
	<-h.done
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	// No reply is scripted: the registrar never answers.
	err := h.acc.Unregister(ctx, nil)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v, want deadline exceeded", err)
	}
	if st := h.acc.Status().State; st != Unregistered {
		t.Fatalf("state %v after unregister", st)
	}
}

func TestRefreshInCapsHugeGrants(t *testing.T) {
	if got := refreshIn(600); got != 510*time.Second {
		t.Errorf("refreshIn(600) = %v, want 8m30s", got)
	}
	// 99999999999 s overflows time.Duration arithmetic: without a cap the
	// result wraps and the account would re-register in a loop.
	if got := refreshIn(99999999999); got < time.Hour {
		t.Errorf("refreshIn(huge) = %v, want capped at hours, not a storm", got)
	}
}
