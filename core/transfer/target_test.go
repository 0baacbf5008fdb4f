package transfer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
)

// As the target of an attended transfer: INVITEs whose Replaces is bad,
// names no call of ours or asks for an early one are refused; the right
// one is answered and the replaced call hung up.
func TestReplaces(t *testing.T) {
	s := newSetup(t, Timeouts{})
	l, d, p := s.call(t)
	good := d.Replaces()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	invite := func(replaces string) (*sip.Dialog, error) {
		d, _, err := s.them.Invite(ctx, sip.InviteOptions{To: s.uri(), Offer: []byte(offer), Handler: newPeer(),
			Headers: []sip.Header{{Name: "Replaces", Value: replaces}}})
		return d, err
	}
	for _, tc := range []struct {
		name     string
		replaces string
		code     int
	}{
		{"garbage", "no tags here", 400},
		{"other Call-ID", sip.Replaces{CallID: "x" + good.CallID, ToTag: good.ToTag, FromTag: good.FromTag}.String(), 481},
		{"tags swapped", sip.Replaces{CallID: good.CallID, ToTag: good.FromTag, FromTag: good.ToTag}.String(), 481},
		{"early-only", good.String() + ";early-only", 486},
	} {
		_, err := invite(tc.replaces)
		var se *sip.StatusError
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%s: INVITE answered %v, want %d", tc.name, err, tc.code)
		}
	}
	if _, _, answers := s.h.record(); answers != "" {
		t.Fatalf("refused INVITEs answered for %q", answers)
	}
	d2, err := invite(good.String())
	if err != nil {
		t.Fatalf("INVITE with the right Replaces: %v", err)
	}
	defer func() { _ = d2.Bye(ctx) }()
	if e := l.waitEnd(t); e.reason != "replaced" || !e.bye {
		t.Errorf("replaced call ended %+v, want replaced with a BYE", e)
	}
	if _, _, answers := s.h.record(); answers != l.id {
		t.Errorf("answered in place of %q, want %q", answers, l.id)
	}
	select {
	case <-p.hungUp:
	case <-time.After(3 * time.Second):
		t.Error("the replaced dialog got no BYE")
	}
}
