package cti

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

// TestTriggers: each call fires each of its triggers once, in order,
// whatever events repeat; late events of an ended call fire nothing.
func TestTriggers(t *testing.T) {
	rc := newReceiver(t, nil)
	r := startWatch(t, webhookConfig(rc.srv.URL), Options{})
	muted := answered(incoming("answered", call.Connected))
	muted.Muted = true
	r.send(
		incoming("answered", call.Incoming),
		incoming("answered", call.Incoming), // a change that is no state change
		answered(incoming("answered", call.Connected)),
		answered(incoming("answered", call.Held)),
		muted,
		ended(answered(incoming("answered", call.Connected)), "remote hung up"),
		ended(answered(incoming("answered", call.Connected)), "remote hung up"), // again: nothing

		incoming("missed", call.Incoming),
		ended(incoming("missed", call.Incoming), "remote hung up"),

		incoming("declined", call.Incoming),
		ended(incoming("declined", call.Incoming), "rejected"),

		outgoing("out", call.Dialing),
		outgoing("out", call.Ringing),
		answered(outgoing("out", call.Connected)),
		ended(answered(outgoing("out", call.Connected)), "local hang up"),

		outgoing("busy", call.Dialing),
		ended(outgoing("busy", call.Dialing), "busy"),

		// Taken over already connected (a replaced dialog): it never rang.
		answered(incoming("replaced", call.Connected)),
		ended(answered(incoming("replaced", call.Connected)), "remote hung up"),
	)
	r.stop()
	rc.checkProblems()
	for id, want := range map[string][]Trigger{
		"answered": {Ring, Answer, Hangup},
		"missed":   {Ring, Hangup, Missed},
		"declined": {Ring, Hangup},
		"out":      {Dial, Answer, Hangup},
		"busy":     {Dial, Hangup},
		"replaced": {Answer, Hangup},
	} {
		if got := rc.events(id); !slices.Equal(got, want) {
			t.Errorf("call %s: webhooks %v, want %v", id, got, want)
		}
	}
}

// TestPopup: incoming calls only, on ring by default or on answer, with
// the account's settings over [cti]'s, read at each trigger.
func TestPopup(t *testing.T) {
	o := &opener{}
	cfg := config.Config{
		CTI: config.CTI{PopupURL: "https://crm.example/{direction}?n={number}&who={name}&a={account}&id={call_id}&r={raw}", CountryCode: "44"},
		Accounts: []config.Account{
			{Name: "sales", CTI: config.CTI{PopupURL: "https://sales.example/{number}", PopupOn: config.PopupOnAnswer}},
			{Name: "quiet"},
		},
	}
	r := startWatch(t, cfg, Options{Opener: o})
	direct := incoming("d1", call.Incoming)
	direct.Remote = call.Party{DisplayName: `Eve & "Co"?x=1#`, URI: "sip:020%207946@198.51.100.7"}
	sales := incoming("s1", call.Incoming)
	sales.Account = "sales"
	quiet := incoming("q1", call.Incoming)
	quiet.Account = "quiet"
	r.send(direct, answered(direct), outgoing("o1", call.Dialing), answered(outgoing("o1", call.Connected)),
		sales, quiet)
	sales.State = call.Connected
	r.send(answered(sales))
	unanswered := incoming("s2", call.Incoming)
	unanswered.Account = "sales"
	r.send(unanswered, ended(unanswered, "remote hung up")) // pops nothing: sales pops on answer

	// Settings apply from the next trigger on.
	next := cfg
	next.CTI.PopupURL = "http://other.example/{call_id}"
	r.setConfig(next)
	r.send(incoming("d2", call.Incoming))
	r.stop()

	want := []string{ // sorted: each opens on a goroutine of its own
		"http://other.example/d2",
		"https://crm.example/incoming?n=%2B44207946&who=Eve+%26+%22Co%22%3Fx%3D1%23&a=&id=d1&r=020%25207946",
		"https://crm.example/incoming?n=q1&who=&a=quiet&id=q1&r=q1",
		"https://sales.example/s1",
	}
	got := o.opened()
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("opened\n%q\nwant\n%q", got, want)
	}
}

// TestPopupFailureLogged: the opener's error is logged once, with the call.
func TestPopupFailureLogged(t *testing.T) {
	o := &opener{err: errors.New("no browser here")}
	r := startWatch(t, config.Config{CTI: config.CTI{PopupURL: "https://crm.example/{number}"}}, Options{Opener: o})
	r.send(incoming("c1", call.Incoming), ended(incoming("c1", call.Incoming), "remote hung up"))
	r.stop()
	if n := r.log.count("screen-pop failed"); n != 1 || r.log.count("no browser here") != 1 || r.log.count("call=c1") != 1 {
		t.Errorf("want one log line for the failure:\n%s", r.log)
	}
}

// TestPopupNeverAnythingButHTTP: a URL that expands to something else
// (only a program could build one; the configuration refuses it) is not
// handed to the opener.
func TestPopupNeverAnythingButHTTP(t *testing.T) {
	o := &opener{}
	r := startWatch(t, config.Config{CTI: config.CTI{PopupURL: "{number}"}}, Options{Opener: o})
	i := incoming("c1", call.Incoming)
	i.Remote.URI = "sip:--help@example.com"
	r.send(i)
	r.stop()
	if got := o.opened(); len(got) != 0 {
		t.Errorf("opened %q", got)
	}
}

// TestWatchEndsWithContext: Watch returns when its context ends, though
// the stream stays open.
func TestWatchEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		Watch(ctx, make(chan state.Event), Options{})
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Watch did not return when its context ended")
	}
}
