package core

import (
	"errors"
	"log/slog"
	"testing"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

func TestTargetURI(t *testing.T) {
	const domain = "pbx.example:5080"
	for in, want := range map[string]string{
		"2000":                              "sip:2000@pbx.example:5080",
		" bob ":                             "sip:bob@pbx.example:5080",
		"+4930123":                          "sip:+4930123@pbx.example:5080",
		"sip:2000":                          "sip:2000@pbx.example:5080",
		"sips:2000":                         "sips:2000@pbx.example:5080",
		"tel:+4930123":                      "sip:+4930123@pbx.example:5080",
		"TEL:+49-30-(123);phone-context=x":  "sip:+4930123@pbx.example:5080",
		"tel:*97":                           "sip:*97@pbx.example:5080",
		"bob@example.org":                   "sip:bob@example.org",
		"sip:carol@example.org":             "sip:carol@example.org",
		"SIPS:carol@example.org":            "sips:carol@example.org",
		"sip:c@10.0.0.2:5070;transport=tcp": "sip:c@10.0.0.2:5070;transport=tcp",
		"10.0.0.2:5070":                     "sip:10.0.0.2:5070",
		"sip:alice@[::1]:5070":              "sip:alice@[::1]:5070",
	} {
		got, _, err := targetURI(in, domain)
		if err != nil || got != want {
			t.Errorf("targetURI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{
		"", "sip:", "bob smith", "bob smith@example.com", "sip:a>,<sip:x@evil.com>;y=\"@example.com",
		"sip:a@b\r\nX: y", "bob\r\nX: y", "tel:", "tel:+", "tel:+49 30", "tel:abc", "tel:+49+30",
		"http://x", "mailto:x@example.com", "<sip:a@b>", "sip:b@example.com:99999",
	} {
		if got, _, err := targetURI(in, domain); err == nil {
			t.Errorf("targetURI(%q) = %q, want an error", in, got)
		}
	}
	// Without a domain a user or number is well formed but has nowhere to go.
	for _, in := range []string{"bob", "tel:+4930123", "sip:2000"} {
		if _, _, err := targetURI(in, ""); !errors.Is(err, errNoDomain) {
			t.Errorf("targetURI(%q, \"\"): %v, want errNoDomain", in, err)
		}
	}
	for _, in := range []string{"bob smith", "tel:x", "a\"b"} {
		if _, _, err := targetURI(in, ""); err == nil || errors.Is(err, errNoDomain) {
			t.Errorf("targetURI(%q, \"\"): %v, want it refused", in, err)
		}
	}
}

// Every way in reads an address alike: Dial (and so Transfer, messages,
// voicemail, a REFER's target, pickup), forwarding, redirects and Watch.
func TestOneTargetReading(t *testing.T) {
	p := &Engine{o: options{log: slog.New(slog.DiscardHandler)}, bus: state.NewBus(state.State{}), calls: map[string]*activeCall{}}
	p.accounts = []*line{
		{cfg: config.Account{Name: "work", Username: "alice", Domain: "pbx.example"}},
		{cfg: config.Account{Name: "home", Username: "al", Domain: "home.example"}},
	}
	ln, uri, err := p.resolveTarget("tel:+4930123", "")
	if err != nil || ln.cfg.Name != "work" || uri != "sip:+4930123@pbx.example" {
		t.Errorf("resolveTarget(tel:) = %v, %q, %v", ln, uri, err)
	}
	if ln, uri, err = p.resolveTarget("bob@home.example", ""); err != nil || ln.cfg.Name != "home" || uri != "sip:bob@home.example" {
		t.Errorf("resolveTarget(bob@home.example) = %v, %q, %v", ln, uri, err)
	}
	if ln, uri, err = p.resolveTarget("sip:bob@10.0.0.2:5070", ""); err != nil || ln != nil || uri != "sip:bob@10.0.0.2:5070" {
		t.Errorf("resolveTarget(direct) = %v, %q, %v", ln, uri, err)
	}
	if _, _, err = p.resolveTarget("2000", "nope"); !errors.Is(err, ErrUnknownAccount) {
		t.Errorf("unknown account: %v", err)
	}
	none := &Engine{o: p.o, bus: state.NewBus(state.State{}), calls: map[string]*activeCall{}}
	if _, _, err = none.resolveTarget("2000", ""); !errors.Is(err, errNoDomain) {
		t.Errorf("a number without accounts: %v", err)
	}

	work := p.accounts[0]
	c := testCall(work)
	for _, in := range []string{"tel:+4930123", "sip:+4930123@pbx.example", "+4930123"} {
		_, dial, derr := p.resolveTarget(in, "work")
		fwd, ferr := forwardURI(work, in)
		red, ok := c.redirectURI(in)
		watch, _, werr := watchAddress(in, work.cfg.Domain)
		_, _, cerr := watchAddress(in, "")
		if derr != nil || ferr != nil || !ok || werr != nil || dial != fwd || fwd != red || red != watch || cerr != nil {
			t.Errorf("%q: dial %q %v, forward %q %v, redirect %q %v, watch %q %v", in, dial, derr, fwd, ferr, red, ok, watch, werr)
		}
	}
	for _, in := range []string{"bob smith@example.com", "sip:a>,<sip:x@evil.com>;y=\"@example.com", "sip:b@example.com:70000"} {
		_, _, derr := p.resolveTarget(in, "work")
		_, ferr := forwardURI(work, in)
		_, ok := c.redirectURI(in)
		_, _, werr := watchAddress(in, work.cfg.Domain)
		_, _, cerr := watchAddress(in, "")
		if derr == nil || ferr == nil || ok || werr == nil || cerr == nil {
			t.Errorf("%q accepted somewhere: dial %v, forward %v, redirect %v, watch %v", in, derr, ferr, ok, werr)
		}
	}
	// A direct call has no domain for a tel: redirect.
	if uri, ok := testCall(nil).redirectURI("tel:+4930123"); ok {
		t.Errorf("tel: redirect of a direct call = %q", uri)
	}
	if uri, host, err := watchAddress("2000", ""); uri != "" || host != "" || err != nil {
		t.Errorf("watchAddress(2000, no domain) = %q, %q, %v", uri, host, err)
	}
}
