package forward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// ringing is a call ringing for us that the test settles.
type ringing struct {
	rings     bool // still ringing after the delay
	settled   bool // an answer or a refusal came first
	waited    time.Duration
	ends      []string
	redirects []string
	err       error
}

func (r *ringing) StillRingingAfter(d time.Duration) bool { r.waited = d; return r.rings }
func (r *ringing) Settle() bool                           { ok := !r.settled; r.settled = true; return ok }
func (r *ringing) End(reason string, code int) {
	r.ends = append(r.ends, fmt.Sprint(code, " ", reason))
}
func (r *ringing) Redirect(uri string) error { r.redirects = append(r.redirects, uri); return r.err }

func TestOnNoAnswer(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	a := testAccount("127.0.0.1")
	a.ForwardNoAnswerAfter = 7

	r := &ringing{rings: true}
	OnNoAnswer(log, "c1", r, a, "bob")
	if r.waited != 7*time.Second || len(r.ends) != 1 || r.ends[0] != "302 forwarded to sip:bob@127.0.0.1" ||
		len(r.redirects) != 1 || r.redirects[0] != "sip:bob@127.0.0.1" {
		t.Errorf("forwarded: %+v", r)
	}
	for name, r := range map[string]*ringing{
		"answered meanwhile": {rings: false},
		"refused meanwhile":  {rings: true, settled: true},
	} {
		OnNoAnswer(log, "c1", r, a, "bob")
		if len(r.ends) != 0 || len(r.redirects) != 0 {
			t.Errorf("%s: %+v", name, r)
		}
	}
	for _, target := range []string{"alice", "bob smith"} { // ourselves; unusable
		r := &ringing{rings: true}
		OnNoAnswer(log, "c1", r, a, target)
		if r.waited != 0 || len(r.ends) != 0 || len(r.redirects) != 0 {
			t.Errorf("forward to %q: %+v", target, r)
		}
	}
}

// Now answers the INVITE with 302 naming the target, or leaves it alone
// when the target is unusable.
func TestNow(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	listen := func() *sip.UA {
		ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(log))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ua.Close() })
		return ua
	}
	us, them := listen(), listen()
	a := testAccount("127.0.0.1")
	type outcome struct {
		reason string
		code   int
		ok     bool
	}
	target := make(chan string, 1)
	got := make(chan outcome, 1)
	us.HandleInvites(func(in *sip.Incoming) {
		reason, code, ok := Now(log, in, a, <-target, "always")
		if !ok {
			_ = in.Reject(480, "Temporarily Unavailable")
		}
		got <- outcome{reason, code, ok}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	call := func(to string) (outcome, error) {
		target <- to
		_, _, err := them.Invite(ctx, sip.InviteOptions{To: fmt.Sprintf("sip:alice@127.0.0.1:%d", us.Port()), Offer: []byte("v=0\r\n")})
		return <-got, err
	}
	o, err := call("bob")
	var se *sip.StatusError
	if !errors.As(err, &se) || se.Code != 302 || len(se.Contacts) != 1 || se.Contacts[0] != "sip:bob@127.0.0.1" {
		t.Errorf("INVITE answered %v, want 302 to sip:bob@127.0.0.1", err)
	}
	if o != (outcome{"forwarded to sip:bob@127.0.0.1", 302, true}) {
		t.Errorf("forwarded: %+v", o)
	}
	o, err = call("sip:alice@127.0.0.1")
	if !errors.As(err, &se) || se.Code != 480 || o.ok {
		t.Errorf("forward to ourselves: %v, %+v; want it skipped", err, o)
	}
}
