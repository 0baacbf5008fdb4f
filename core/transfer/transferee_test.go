package transfer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// referred has the peer ask us (REFER in leg l's dialog d) to call
// sip:c@127.0.0.1:9, and returns the call the agent asked the host for.
func referred(t *testing.T, s *setup, d *sip.Dialog) placed {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Refer(ctx, referTo(t, "sip:c@127.0.0.1:9"), "sip:peer@127.0.0.1"); err != nil {
		t.Fatalf("REFER: %v", err)
	}
	select {
	case pl := <-s.h.placed:
		return pl
	case <-time.After(3 * time.Second):
		t.Fatal("no call placed")
		return placed{}
	}
}

func (s *setup) publish(id string, st call.State, code int, reason string) {
	s.h.events <- state.CallEvent{Info: call.Info{ID: id, State: st, Code: code, Reason: reason}}
}

// As the transferee we place the call the REFER asks for, from the same
// account, with Referred-By, and report its ringing and answer; the old
// call ends when the transferor hangs up.
func TestReferredReports(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l, d, p := s.call(t)
	pl := referred(t, s, d)
	if pl.target != "sip:c@127.0.0.1:9" || pl.account != "work" || pl.referredBy != "sip:peer@127.0.0.1" ||
		len(pl.hdrs) != 1 || pl.hdrs[0] != (sip.Header{Name: "Referred-By", Value: "<sip:peer@127.0.0.1>"}) {
		t.Errorf("placed %+v", pl)
	}
	if r := p.nextProgress(t); r.Code != 100 || r.Final {
		t.Errorf("first report %+v, want 100", r)
	}
	s.publish("other", call.Connected, 0, "") // another call's events do not count
	s.publish("new", call.Ringing, 0, "")
	if r := p.nextProgress(t); r.Code != 180 || r.Final {
		t.Errorf("report %+v, want 180", r)
	}
	s.publish("new", call.Connected, 0, "")
	if r := p.nextProgress(t); r.Code != 200 || !r.Final {
		t.Errorf("report %+v, want a final 200", r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	if e := l.waitEnd(t); e.reason != "transferred" || e.bye {
		t.Errorf("old call ended %+v, want transferred without our BYE", e)
	}
}

// The referred call fails: its status goes back to the transferor and the
// old call is ours again (its own handler takes the BYE).
func TestReferredFails(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l, d, p := s.call(t)
	referred(t, s, d)
	p.nextProgress(t) // 100
	s.publish("new", call.Ended, 486, "486 Busy Here")
	if r := p.nextProgress(t); r.Code != 486 || r.Reason != "Busy Here" || !r.Final {
		t.Errorf("report %+v, want a final 486 Busy Here", r)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	if e := l.waitEnd(t); e.reason != "remote hung up" {
		t.Errorf("old call ended %+v, want remote hung up", e)
	}
}

// A call that cannot be placed is reported as 503.
func TestReferredCannotPlace(t *testing.T) {
	s := newSetup(t, Timeouts{})
	s.h.mu.Lock()
	s.h.fail = errors.New("no account")
	s.h.mu.Unlock()
	l, d, p := s.call(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Refer(ctx, referTo(t, "sip:c@127.0.0.1:9"), ""); err != nil {
		t.Fatalf("REFER: %v", err)
	}
	// The 100 and the 503 go out back to back, and sipgo hands each
	// request to its own goroutine: they may be read in either order.
	r1, r2 := p.nextProgress(t), p.nextProgress(t)
	if r1.Final {
		r1, r2 = r2, r1
	}
	if r1.Code != 100 || r1.Final || r2.Code != 503 || !r2.Final {
		t.Errorf("reports %+v and %+v, want 100 and a final 503", r1, r2)
	}
	if l.m.Info().State != call.Connected {
		t.Errorf("old call %+v, want it still up", l.m.Info())
	}
}

// REFERs we cannot take are refused with the right status.
func TestReferredRefused(t *testing.T) {
	a := New(newHost(), Config{Log: discard})
	code := func(err error) int {
		var se *sip.StatusError
		if !errors.As(err, &se) {
			return 0
		}
		return se.Code
	}
	early := newLeg("early", a) // no dialog yet
	if got := code(a.Referred(early, sip.Refer{Target: "sip:c@x"})); got != 603 {
		t.Errorf("REFER before the answer: %d, want 603", got)
	}
	gone := newLeg("gone", a)
	gone.End("hung up", 0, false)
	if got := code(a.Referred(gone, sip.Refer{Target: "sip:c@x"})); got != 481 {
		t.Errorf("REFER in an ended call: %d, want 481", got)
	}
	if got := code((&transfereeWatch{}).Refer(sip.Refer{})); got != 491 {
		t.Errorf("second REFER during one: %d, want 491", got)
	}
}

func TestFailureStatus(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		want   int
		wantR  string
	}{
		{486, "486 Busy Here", 486, "Busy Here"},
		{404, "Not Found", 404, "Not Found"},
		{0, "media: no device", 503, "Service Unavailable"},
		{200, "OK", 503, "Service Unavailable"},
		{700, "700 Odd", 503, "Service Unavailable"},
	} {
		code, reason := failureStatus(call.Info{Code: tc.code, Reason: tc.reason})
		if code != tc.want || reason != tc.wantR {
			t.Errorf("failureStatus(%d %q) = %d %q, want %d %q", tc.code, tc.reason, code, reason, tc.want, tc.wantR)
		}
	}
}
