package core

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/forward"
	"github.com/softphone/softphone/core/lines"
	"github.com/softphone/softphone/core/state"
)

// Every way in reads an address alike: Dial (and so Transfer, messages,
// voicemail, a REFER's target, pickup), forwarding, redirects and Watch.
func TestOneTargetReading(t *testing.T) {
	p := &Engine{o: options{log: slog.New(slog.DiscardHandler)}, bus: state.NewBus(state.State{}), calls: map[string]*activeCall{}}
	p.acct = lines.New([]config.Account{
		{Name: "work", Username: "alice", Domain: "pbx.example"},
		{Name: "home", Username: "al", Domain: "home.example"},
	}, lines.Options{})
	ln, uri, err := p.resolveTarget("tel:+4930123", "")
	if err != nil || ln.Cfg.Name != "work" || uri != "sip:+4930123@pbx.example" {
		t.Errorf("resolveTarget(tel:) = %v, %q, %v", ln, uri, err)
	}
	if ln, uri, err = p.resolveTarget("bob@home.example", ""); err != nil || ln.Cfg.Name != "home" || uri != "sip:bob@home.example" {
		t.Errorf("resolveTarget(bob@home.example) = %v, %q, %v", ln, uri, err)
	}
	if ln, uri, err = p.resolveTarget("sip:bob@10.0.0.2:5070", ""); err != nil || ln != nil || uri != "sip:bob@10.0.0.2:5070" {
		t.Errorf("resolveTarget(direct) = %v, %q, %v", ln, uri, err)
	}
	if _, _, err = p.resolveTarget("2000", "nope"); !errors.Is(err, ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
	none := &Engine{o: p.o, bus: state.NewBus(state.State{}), calls: map[string]*activeCall{}, acct: lines.New(nil, lines.Options{})}
	if _, _, err = none.resolveTarget("2000", ""); !errors.Is(err, errNoDomain) {
		t.Errorf("a number without accounts: %v", err)
	}

	work := p.lines()[0]
	c := &activeCall{ln: work}
	for _, in := range []string{"tel:+4930123", "sip:+4930123@pbx.example", "+4930123"} {
		_, dial, derr := p.resolveTarget(in, "work")
		fwd, ferr := forward.URI(work.Cfg, in)
		red, ok := forward.ContactURI(in, redirectDomain(c))
		watch, _, werr := watchAddress(in, work.Cfg.Domain)
		_, _, cerr := watchAddress(in, "")
		if derr != nil || ferr != nil || !ok || werr != nil || dial != fwd || fwd != red || red != watch || cerr != nil {
			t.Errorf("%q: dial %q %v, forward %q %v, redirect %q %v, watch %q %v", in, dial, derr, fwd, ferr, red, ok, watch, werr)
		}
	}
	for _, in := range []string{"bob smith@example.com", "sip:a>,<sip:x@evil.com>;y=\"@example.com", "sip:b@example.com:70000"} {
		_, _, derr := p.resolveTarget(in, "work")
		_, ferr := forward.URI(work.Cfg, in)
		_, ok := forward.ContactURI(in, redirectDomain(c))
		_, _, werr := watchAddress(in, work.Cfg.Domain)
		_, _, cerr := watchAddress(in, "")
		if derr == nil || ferr == nil || ok || werr == nil || cerr == nil {
			t.Errorf("%q accepted somewhere: dial %v, forward %v, redirect %v, watch %v", in, derr, ferr, ok, werr)
		}
	}
	// A direct call has no domain for a tel: redirect.
	if uri, ok := forward.ContactURI("tel:+4930123", redirectDomain(&activeCall{})); ok {
		t.Errorf("tel: redirect of a direct call = %q", uri)
	}
	if uri, host, err := watchAddress("2000", ""); uri != "" || host != "" || err != nil {
		t.Errorf("watchAddress(2000, no domain) = %q, %q, %v", uri, host, err)
	}
}
