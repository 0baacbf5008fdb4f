package core

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

func testLine(domain string) *line {
	return &line{cfg: config.Account{Name: "alice", Username: "alice", Domain: domain}}
}

func TestForwardURI(t *testing.T) {
	ln := testLine("pbx.example:5080")
	for in, want := range map[string]string{
		"2000":                              "sip:2000@pbx.example:5080",
		" bob ":                             "sip:bob@pbx.example:5080",
		"+4930123":                          "sip:+4930123@pbx.example:5080",
		"bob@example.org":                   "sip:bob@example.org",
		"sip:carol@example.org":             "sip:carol@example.org",
		"SIPS:carol@example.org":            "sips:carol@example.org",
		"sip:c@10.0.0.2:5070;transport=tcp": "sip:c@10.0.0.2:5070;transport=tcp",
		"tel:+4930123;phone-context=x":      "sip:+4930123@pbx.example:5080",
		"10.0.0.2:5070":                     "sip:10.0.0.2:5070",
	} {
		got, err := forwardURI(ln, in)
		if err != nil || got != want {
			t.Errorf("forwardURI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sip:a@b\r\nX: y", "http://x", "sip:a@b>", "bob smith", "sip:", "<sip:a@b>"} {
		if got, err := forwardURI(ln, in); err == nil {
			t.Errorf("forwardURI(%q) = %q, want an error", in, got)
		}
	}
}

func TestIsSelf(t *testing.T) {
	ln := testLine("127.0.0.1")
	for uri, want := range map[string]bool{
		"sip:alice@127.0.0.1":            true,
		"sip:ALICE@127.0.0.1;user=phone": true,
		"sip:alice@127.0.0.1:5070":       false,
		"sip:bob@127.0.0.1":              false,
		"sip:alice@example.org":          false,
	} {
		if got := isSelf(ln, uri); got != want {
			t.Errorf("isSelf(%q) = %v, want %v", uri, got, want)
		}
	}
}

func redirectErr(code int, contacts ...string) error {
	return &sip.StatusError{Code: code, Reason: "Moved", Contacts: contacts}
}

func testCall(ln *line) *activeCall {
	p := &Engine{o: options{log: slog.New(slog.DiscardHandler)}, bus: state.NewBus(state.State{}), calls: map[string]*activeCall{}}
	c := &activeCall{p: p, id: "c1", ln: ln, ended: make(chan struct{})}
	c.m = call.New(c.id, call.Outgoing, "alice", call.Party{URI: "sip:bob@127.0.0.1"}, nil, nil)
	return c
}

func TestFollowRedirect(t *testing.T) {
	c := testCall(testLine("127.0.0.1"))
	r := newRedirects("sip:bob@127.0.0.1")

	// Not redirects: the error stays.
	for _, err := range []error{errors.New("boom"), redirectErr(486), redirectErr(302), redirectErr(305, "sip:p@x"), redirectErr(380, "sip:x@y")} {
		if next, got := c.followRedirect(r, err); next != "" || got != err {
			t.Errorf("followRedirect(%v) = %q, %v; want no follow and the same error", err, next, got)
		}
	}
	// Unusable contacts are skipped; the first usable one wins.
	next, err := c.followRedirect(r, redirectErr(302, "http://x", "sip:carol@127.0.0.1", "sip:dave@127.0.0.1"))
	if next != "sip:carol@127.0.0.1" || err != nil {
		t.Fatalf("follow = %q, %v", next, err)
	}
	if i := c.m.Info(); i.Redirected != next || i.Remote.URI != next {
		t.Errorf("call info after redirect %+v", i)
	}
	// A tel: contact becomes a number at the account's domain.
	if next, err = c.followRedirect(r, redirectErr(301, "tel:+4930123")); next != "sip:+4930123@127.0.0.1" || err != nil {
		t.Fatalf("tel follow = %q, %v", next, err)
	}
	// Back to a target already tried (parameters do not matter): a loop.
	_, err = c.followRedirect(r, redirectErr(302, "sip:BOB@127.0.0.1;transport=udp"))
	var ce *callEnd
	if !errors.As(err, &ce) || ce.reason != ReasonRedirectLoop || ce.code != 482 {
		t.Errorf("loop: %v", err)
	}
	// ... unless another contact is new.
	if next, err = c.followRedirect(r, redirectErr(302, "sip:bob@127.0.0.1", "sip:eve@127.0.0.1")); next != "sip:eve@127.0.0.1" || err != nil {
		t.Errorf("loop with a way out = %q, %v", next, err)
	}
	// Nothing usable at all.
	if _, err = c.followRedirect(r, redirectErr(302, "mailto:x@y")); !errors.As(err, &ce) || ce.reason != ReasonBadRedirect {
		t.Errorf("unusable: %v", err)
	}
	// At most maxRedirects.
	for i := r.n; i < maxRedirects; i++ {
		if next, err = c.followRedirect(r, redirectErr(302, fmt.Sprintf("sip:u%d@127.0.0.1", i))); next == "" {
			t.Fatalf("redirect %d: %v", i+1, err)
		}
	}
	if _, err = c.followRedirect(r, redirectErr(302, "sip:last@127.0.0.1")); !errors.As(err, &ce) || ce.reason != ReasonTooManyRedirects {
		t.Errorf("redirect %d: %v, want too many", maxRedirects+1, err)
	}
	// An ended call follows nothing.
	c2 := testCall(nil)
	close(c2.ended)
	if next, _ := c2.followRedirect(newRedirects("sip:a@b"), redirectErr(302, "sip:c@d")); next != "" {
		t.Errorf("ended call followed %q", next)
	}
}

func TestSameRegistration(t *testing.T) {
	a := config.Account{Name: "a", Username: "a", Domain: "x.org", Password: "pw", Enabled: true}
	b := a
	b.DND, b.BusyWhenInCall, b.ForwardAlways, b.ForwardNoAnswerAfter, b.AutoAnswer = true, true, "sip:x@y", 5, true
	if !sameRegistration(b, a) {
		t.Error("call-handling changes restart the registration")
	}
	for name, f := range map[string]func(*config.Account){
		"password":  func(x *config.Account) { x.Password = "new" },
		"presence":  func(x *config.Account) { x.Presence = true },
		"mwi":       func(x *config.Account) { x.NoMWI = true },
		"voicemail": func(x *config.Account) { x.Voicemail = "*97" },
	} {
		c := b
		f(&c)
		if sameRegistration(c, a) {
			t.Errorf("a %s change keeps the running line", name)
		}
	}
	l := &line{cfg: a}
	if l.withConfig(a) != l {
		t.Error("withConfig of the same settings made a new line")
	}
	if n := l.withConfig(b); n == l || n.cfg != b || l.cfg != a {
		t.Error("withConfig changed the old line or kept the old settings")
	}
}
