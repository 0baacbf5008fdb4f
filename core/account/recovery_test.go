package account

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// A keep-alive answered after a miss: the registrar was away, and may
// have restarted and forgotten us: register again at once.
func TestKeepAliveAnsweredAfterAMissRegistersAgain(t *testing.T) {
	h, p, w := startPinging(t)
	h.register()
	ping(t, p, fmt.Errorf("%w: no answer", sip.ErrNoResponse))
	select {
	case <-h.reg.asked:
		t.Fatal("REGISTER after one missed keep-alive")
	default:
	}
	ping(t, p, nil)
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))
	ping(t, p, nil) // and no second REGISTER for the same miss
	select {
	case <-h.reg.asked:
		t.Fatal("a second REGISTER for one miss")
	default:
	}
	noWarning(t, w)
}

// deadlinePinger reports how long each keep-alive may wait.
type deadlinePinger struct {
	*fakeRegistrar
	left chan time.Duration
}

func (d *deadlinePinger) KeepAlive(ctx context.Context) error {
	dl, _ := ctx.Deadline()
	select {
	case d.left <- time.Until(dl):
	default:
	}
	return nil
}

func TestKeepAliveWaitsOnlyItsTimeout(t *testing.T) {
	reg := &fakeRegistrar{asked: make(chan int, 10), replies: make(chan reply, 10)}
	p := &deadlinePinger{fakeRegistrar: reg, left: make(chan time.Duration, 1)}
	reg.replies <- reply{ok(60), nil}
	never := func(time.Duration) <-chan time.Time { return nil }
	acc := New("alice", p, 60, WithTimer(never), WithKeepAlive(50*time.Millisecond), WithKeepAliveTimeout(10*time.Millisecond))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); acc.Run(ctx, nil) }()
	t.Cleanup(func() { cancel(); <-done })
	select {
	case left := <-p.left:
		if left > 10*time.Millisecond {
			t.Fatalf("a keep-alive may wait %v, want at most 10ms", left)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no keep-alive")
	}
}

// flowRegistrar is a fakeRegistrar with a flow the test cuts.
type flowRegistrar struct {
	*fakeRegistrar
	up   atomic.Bool
	seen chan bool // what each check found, when the test listens
}

func (f *flowRegistrar) FlowUp() bool {
	up := f.up.Load()
	select {
	case f.seen <- up:
	default:
	}
	return up
}

// A lost TCP or TLS flow (the registrar restarted and closed it) asks
// for a REGISTER at once, once per loss.
func TestLostFlowRegistersAgainAtOnce(t *testing.T) {
	h := newHarness(t)
	f := &flowRegistrar{fakeRegistrar: h.reg, seen: make(chan bool)}
	f.up.Store(true)
	h.run(New("alice", f, 60, WithTimer(h.timer.after), WithKeepAlive(0), WithFlowCheck(5*time.Millisecond),
		WithLogger(slog.New(slog.DiscardHandler))))
	h.register()
	f.up.Store(false)
	h.expectAsked(60)
	h.answer(ok(60), nil)
	h.expectState(Registered)
	h.expectTimer(sip.RefreshAfter(60))
	// Still down after the REGISTER (which would have opened a new one):
	// no storm of REGISTERs, until it comes back and goes again.
	select {
	case <-h.reg.asked:
		t.Fatal("a second REGISTER for the same loss")
	case <-time.After(50 * time.Millisecond):
	}
	f.up.Store(true)
	for !<-f.seen { // a check sees it back
	}
	f.up.Store(false)
	h.expectAsked(60)
}
