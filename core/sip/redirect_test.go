package sip

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func TestParseContactURI(t *testing.T) {
	good := []string{"sip:carol@example.com", "sips:bob@10.0.0.2:5071", "sip:+4930123@pbx.example;user=phone", "sip:example.com"}
	for _, s := range good {
		if _, err := ParseContactURI(s); err != nil {
			t.Errorf("ParseContactURI(%q): %v", s, err)
		}
	}
	bad := []string{"", "carol", "tel:+4930123", "http://x", "sip:a@b\r\nX-Evil: 1", "sip:a@b>;x=1", "sip:a b@c",
		"sip:a@b,sip:c@d", `sip:"a"@b`, "sip:", "sip:*", "sip:bob@"}
	for _, s := range bad {
		if u, err := ParseContactURI(s); err == nil {
			t.Errorf("ParseContactURI(%q) = %v, want an error", s, u.String())
		}
	}
}

func TestParseAnswerAfter(t *testing.T) {
	for _, c := range []struct {
		name                 string
		callInfo, alert, ans []string
		want                 time.Duration
		ok                   bool
	}{
		{name: "none"},
		{name: "call-info 0", callInfo: []string{"<sip:pbx.example>;answer-after=0"}, want: 0, ok: true},
		{name: "call-info 5", callInfo: []string{"<http://x/y;a=b>; Answer-After = 5"}, want: 5 * time.Second, ok: true},
		{name: "call-info purpose only", callInfo: []string{"<http://x/photo.jpg>;purpose=icon"}},
		{name: "call-info shortest of several", callInfo: []string{"<sip:a>;answer-after=9, <sip:b>;answer-after=2"}, want: 2 * time.Second, ok: true},
		{name: "call-info comma inside uri", callInfo: []string{"<sip:a,b>;purpose=info, <sip:c>;answer-after=3"}, want: 3 * time.Second, ok: true},
		{name: "call-info negative", callInfo: []string{"<sip:a>;answer-after=-1"}},
		{name: "call-info garbage", callInfo: []string{"<sip:a>;answer-after=soon"}},
		{name: "call-info too long", callInfo: []string{"<sip:a>;answer-after=999999"}},
		{name: "call-info unclosed", callInfo: []string{"<sip:a;answer-after=0"}},
		{name: "alert-info autoanswer", alert: []string{"<http://www.notused.com>;info=alert-autoanswer"}, want: 0, ok: true},
		{name: "alert-info autoanswer delay", alert: []string{"<http://x>;info=alert-autoanswer;delay=4"}, want: 4 * time.Second, ok: true},
		{name: "alert-info bad delay", alert: []string{"<http://x>;info=alert-autoanswer;delay=x"}},
		{name: "alert-info bare", alert: []string{"info=alert-autoanswer"}, want: 0, ok: true},
		{name: "alert-info answer-after", alert: []string{"<http://x>;answer-after=1"}, want: time.Second, ok: true},
		{name: "alert-info ringtone", alert: []string{"<http://x/ring.wav>;info=alert-group"}},
		{name: "answer-mode auto", ans: []string{"Auto"}, want: 0, ok: true},
		{name: "answer-mode auto require", ans: []string{"auto;require"}, want: 0, ok: true},
		{name: "answer-mode manual", ans: []string{"Manual"}},
		{name: "mixed", callInfo: []string{"<sip:a>;answer-after=7"}, ans: []string{"Auto"}, want: 0, ok: true},
	} {
		got, ok := ParseAnswerAfter(c.callInfo, c.alert, c.ans)
		if got != c.want || ok != c.ok {
			t.Errorf("%s: ParseAnswerAfter = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

// TestRedirectOverTheWire: one UA answers another's INVITE with 302; the
// caller's StatusError carries the Contacts in order, and the callee read
// the caller's Call-Info answer-after hint.
func TestRedirectOverTheWire(t *testing.T) {
	callee, caller := listenUA(t), listenUA(t)
	targets := []string{"sip:carol@example.com", "sip:dave@10.0.0.1:5070;transport=tcp"}
	type seen struct {
		delay  time.Duration
		hinted bool
		badErr error
	}
	got := make(chan seen, 1)
	callee.HandleInvites(func(in *Incoming) {
		d, ok := in.AnswerAfter()
		badErr := in.Redirect("sip:x@y\r\nX-Evil: 1")
		got <- seen{d, ok, badErr}
		if err := in.Redirect(targets...); err != nil {
			t.Errorf("redirect: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, _, err := caller.Invite(ctx, InviteOptions{
		To: "sip:bob@" + callee.Addr().String(), Offer: []byte("v=0\r\n"),
		Headers: []Header{{Name: "Call-Info", Value: "<sip:" + caller.Addr().String() + ">;answer-after=2"}},
	})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 302 {
		t.Fatalf("invite: %v, want a 302", err)
	}
	if !slices.Equal(se.Contacts, targets) {
		t.Errorf("contacts %q, want %q", se.Contacts, targets)
	}
	s := <-got
	if !s.hinted || s.delay != 2*time.Second {
		t.Errorf("answer-after %v, %v; want 2s", s.delay, s.hinted)
	}
	if s.badErr == nil {
		t.Error("a contact with CR LF was accepted")
	}
}
