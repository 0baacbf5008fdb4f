package transfer

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

func referTo(t *testing.T, uri string) string {
	t.Helper()
	v, err := sip.FormatReferTo(uri, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// transferred has the agent transfer l to sip:c@127.0.0.1:9 and returns
// the REFER the peer got.
func transferred(t *testing.T, s *setup, l *leg, p *peer) sip.Refer {
	t.Helper()
	if err := s.a.Transfer(context.Background(), l, nil, referTo(t, "sip:c@127.0.0.1:9")); err != nil {
		t.Fatalf("Transfer: %v", err)
	}
	select {
	case r := <-p.refers:
		return r
	case <-time.After(3 * time.Second):
		t.Fatal("the peer got no REFER")
		return sip.Refer{}
	}
}

// A blind transfer holds the call, shows the transferee's reports and
// ends the call "transferred" on its 200, hanging up.
func TestTransferDone(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l, d, p := s.call(t)
	r := transferred(t, s, l, p)
	if r.Target != "sip:c@127.0.0.1:9" || r.Replaces != nil || r.ReferredBy == "" {
		t.Errorf("REFER %+v", r)
	}
	if holds, _, _ := s.h.record(); holds != l.id {
		t.Errorf("held %q before the REFER, want %q", holds, l.id)
	}
	if i := l.m.Info(); i.Transfer != Trying || !i.LocalHold {
		t.Errorf("after the 202: %+v", i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.NotifyRefer(ctx, 180, "Ringing", false); err != nil {
		t.Fatal(err)
	}
	l.waitInfo(t, "ringing", func(i call.Info) bool { return i.Transfer == Ringing })
	if err := d.NotifyRefer(ctx, 200, "OK", true); err != nil {
		t.Fatal(err)
	}
	if e := l.waitEnd(t); e.reason != "transferred" || !e.bye {
		t.Errorf("ended %+v, want transferred with a BYE", e)
	}
	if i := l.m.Info(); i.Transfer != Done {
		t.Errorf("transfer %q, want done", i.Transfer)
	}
	select {
	case <-p.hungUp:
	case <-time.After(3 * time.Second):
		t.Error("the transferee got no BYE")
	}
	if _, resumes, _ := s.h.record(); resumes != "" {
		t.Errorf("resumed %q after success", resumes)
	}
}

// The transferee's call fails: the reason shows and the call held by the
// transfer is resumed; a second transfer meanwhile was refused.
func TestTransferFailedResumes(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l, d, p := s.call(t)
	transferred(t, s, l, p)
	if err := s.a.Transfer(context.Background(), l, nil, referTo(t, "sip:e@127.0.0.1:9")); !errors.Is(err, ErrBusy) {
		t.Errorf("second transfer: %v, want ErrBusy", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.NotifyRefer(ctx, 486, "Busy Here", true); err != nil {
		t.Fatal(err)
	}
	i := l.waitInfo(t, "resumed", func(i call.Info) bool { return strings.HasPrefix(i.Transfer, Failed) && !i.LocalHold })
	if i.Transfer != Failed+"486 Busy Here" || i.State == call.Ended {
		t.Errorf("after the failure: %+v", i)
	}
	if _, resumes, _ := s.h.record(); resumes != l.id {
		t.Errorf("resumed %q, want %q", resumes, l.id)
	}
	// The call has its own handler back: the far end's BYE ends it.
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	if e := l.waitEnd(t); e.reason != "remote hung up" || e.bye {
		t.Errorf("ended %+v, want remote hung up", e)
	}
}

// Silence before any report fails the transfer after the idle window:
// the call is resumed.
func TestTransferSilenceFails(t *testing.T) {
	const idle = 300 * time.Millisecond
	s := newSetup(t, Timeouts{Idle: idle, Max: 5 * time.Second})
	l, _, p := s.call(t)
	transferred(t, s, l, p)
	start := time.Now()
	i := l.waitInfo(t, "failed", func(i call.Info) bool { return strings.HasPrefix(i.Transfer, Failed) })
	if i.Transfer != Failed+"no report within 300ms" || time.Since(start) < idle/2 {
		t.Errorf("silent transferee: %q after %v", i.Transfer, time.Since(start))
	}
	l.waitInfo(t, "resumed", func(i call.Info) bool { return !i.LocalHold })
	if _, resumes, _ := s.h.record(); resumes != l.id {
		t.Errorf("resumed %q, want %q", resumes, l.id)
	}
}

// Silence after progress only stops following: the target may have
// answered, so the call stays held.
func TestTransferSilenceAfterProgress(t *testing.T) {
	const idle = 300 * time.Millisecond
	s := newSetup(t, Timeouts{Idle: idle, Max: 5 * time.Second})
	l, d, p := s.call(t)
	transferred(t, s, l, p)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.NotifyRefer(ctx, 100, "Trying", false); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	i := l.waitInfo(t, "given up", func(i call.Info) bool { return strings.HasPrefix(i.Transfer, Failed) })
	if i.Transfer != Failed+NoFinal || !i.LocalHold || time.Since(start) < idle/2 {
		t.Errorf("after progress then silence: %+v after %v", i, time.Since(start))
	}
	if _, resumes, _ := s.h.record(); resumes != "" {
		t.Errorf("resumed %q behind the user's back", resumes)
	}
}

// The cap ends the following however much progress comes.
func TestTransferCap(t *testing.T) {
	const idle, max = 400 * time.Millisecond, time.Second
	s := newSetup(t, Timeouts{Idle: idle, Max: max})
	l, d, p := s.call(t)
	transferred(t, s, l, p)
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	tick := time.NewTicker(idle / 4)
	defer tick.Stop()
	for l.m.Info().Transfer == Trying || l.m.Info().Transfer == Ringing {
		if err := d.NotifyRefer(ctx, 180, "Ringing", false); err != nil {
			break // the agent gave up meanwhile: 481
		}
		<-tick.C
	}
	i := l.waitInfo(t, "given up", func(i call.Info) bool { return strings.HasPrefix(i.Transfer, Failed) })
	if took := time.Since(start); i.Transfer != Failed+NoFinal || took < max-100*time.Millisecond {
		t.Errorf("transfer %q after %v, want %q after the %v cap", i.Transfer, took, Failed+NoFinal, max)
	}
}

// A leg without a dialog cannot be transferred.
func TestTransferNotEstablished(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l := newLeg("x", s.a)
	if err := s.a.Transfer(context.Background(), l, nil, "<sip:c@127.0.0.1>"); !errors.Is(err, call.ErrTransition) {
		t.Errorf("Transfer: %v, want ErrTransition", err)
	}
}
