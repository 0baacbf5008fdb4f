package account

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// fakePinger is a fakeRegistrar whose keep-alives wait for the test's
// answer on pings.
type fakePinger struct {
	*fakeRegistrar
	pings chan chan error
}

func (f *fakePinger) KeepAlive(ctx context.Context) error {
	answer := make(chan error, 1)
	select {
	case f.pings <- answer:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-answer:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// warnings counts the records at Warn or above.
type warnings struct{ c chan string }

func (w warnings) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (w warnings) Handle(_ context.Context, r slog.Record) error {
	w.c <- r.Message
	return nil
}
func (w warnings) WithAttrs([]slog.Attr) slog.Handler { return w }
func (w warnings) WithGroup(string) slog.Handler      { return w }

const keepEvery = 20 * time.Millisecond

// startPinging runs an account on a fakePinger that keeps alive every
// keepEvery.
func startPinging(t *testing.T, opts ...Option) (*harness, *fakePinger, warnings) {
	t.Helper()
	h := newHarness(t)
	p := &fakePinger{fakeRegistrar: h.reg, pings: make(chan chan error)}
	w := warnings{c: make(chan string, 10)}
	opts = append([]Option{WithTimer(h.timer.after), WithBackoff(2*time.Second, 30*time.Second),
		WithKeepAlive(keepEvery), WithLogger(slog.New(w))}, opts...)
	h.run(New("alice", p, 60, opts...))
	return h, p, w
}

func (h *harness) register() {
	h.t.Helper()
	h.expectState(Registering)
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))
}

// ping waits for the next keep-alive and answers it with err.
func ping(t *testing.T, p *fakePinger, err error) {
	t.Helper()
	select {
	case answer := <-p.pings:
		answer <- err
	case <-time.After(5 * time.Second):
		t.Fatal("no keep-alive sent")
	}
}

// noPing fails when a keep-alive starts within a few periods.
func noPing(t *testing.T, p *fakePinger, why string) {
	t.Helper()
	select {
	case <-p.pings:
		t.Fatalf("keep-alive sent %s", why)
	case <-time.After(10 * keepEvery):
	}
}

func noWarning(t *testing.T, w warnings) {
	t.Helper()
	select {
	case m := <-w.c:
		t.Fatalf("unexpected warning %q", m)
	default:
	}
}

func TestKeepAliveOnlyWhileRegistered(t *testing.T) {
	h, p, w := startPinging(t)
	h.expectState(Registering)
	h.expectAsked(60)
	noPing(t, p, "before the registration")
	h.answer(ok(60), nil)
	h.expectState(Registered)
	refresh := h.expectTimer(sip.RefreshAfter(60))
	for range 3 {
		ping(t, p, nil)
	}

	// The refresh fails: no keep-alives for a failed line.
	refresh.fire <- time.Now()
	h.expectAsked(60)
	h.answer(sip.RegisterResult{Code: 503, Reason: "Service Unavailable"}, nil)
	h.expectState(Failed)
	retry := h.expectTimer(2 * time.Second)
	noPing(t, p, "while failed")

	// Registered again: they resume.
	retry.fire <- time.Now()
	h.expectState(Registering)
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))
	ping(t, p, nil)

	// Run ends (the line stops): nothing more once it has returned.
	h.cancel()
	<-h.done
	noPing(t, p, "after Run returned")
	noWarning(t, w)
}

func TestKeepAliveMissesWarnOnceAndRegisterEarly(t *testing.T) {
	h, p, w := startPinging(t)
	h.register()
	lost := fmt.Errorf("%w: no answer", sip.ErrNoResponse)
	ping(t, p, lost)
	ping(t, p, lost)
	noWarning(t, w)
	select {
	case <-h.reg.asked:
		t.Fatal("REGISTER after two missed keep-alives")
	default:
	}
	ping(t, p, lost)
	<-w.c
	// The early REGISTER keeps the expiry asked for.
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))

	// Still unanswered: the streak goes on without more warnings or REGISTERs.
	for range 4 {
		ping(t, p, lost)
	}
	noWarning(t, w)
	select {
	case <-h.reg.asked:
		t.Fatal("a second early REGISTER in one failure streak")
	default:
	}

	// An answer ends the streak; a new one warns again.
	ping(t, p, nil)
	for range 3 {
		ping(t, p, lost)
	}
	<-w.c
	h.expectAsked(60)
}

func TestKeepAliveLostConnectionRegistersAtOnce(t *testing.T) {
	h, p, w := startPinging(t)
	h.register()
	ping(t, p, fmt.Errorf("%w: closed", sip.ErrFlowLost))
	<-w.c
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))
	ping(t, p, nil) // the new flow is kept alive
}

func TestKeepAliveDisabled(t *testing.T) {
	h, p, _ := startPinging(t, WithKeepAlive(0))
	h.register()
	noPing(t, p, "with keep-alives disabled")
}
