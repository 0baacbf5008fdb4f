package forward

import (
	"errors"
	"fmt"
	"log/slog"
	"testing"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
)

func testAccount(domain string) config.Account {
	return config.Account{Name: "alice", Username: "alice", Domain: domain}
}

func TestURI(t *testing.T) {
	a := testAccount("pbx.example:5080")
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
		got, err := URI(a, in)
		if err != nil || got != want {
			t.Errorf("URI(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sip:a@b\r\nX: y", "http://x", "sip:a@b>", "bob smith", "sip:", "<sip:a@b>",
		"alice", "sip:ALICE@pbx.example:5080;user=phone"} {
		if got, err := URI(a, in); err == nil {
			t.Errorf("URI(%q) = %q, want an error", in, got)
		}
	}
}

func TestIsSelf(t *testing.T) {
	a := testAccount("127.0.0.1")
	for uri, want := range map[string]bool{
		"sip:alice@127.0.0.1":            true,
		"sip:ALICE@127.0.0.1;user=phone": true,
		"sip:alice@127.0.0.1:5070":       false,
		"sip:bob@127.0.0.1":              false,
		"sip:alice@example.org":          false,
	} {
		if got := isSelf(a, uri); got != want {
			t.Errorf("isSelf(%q) = %v, want %v", uri, got, want)
		}
	}
}

func redirectErr(code int, contacts ...string) error {
	return &sip.StatusError{Code: code, Reason: "Moved", Contacts: contacts}
}

func testCall() *call.Machine {
	return call.New("c1", call.Outgoing, "alice", call.Party{URI: "sip:bob@127.0.0.1"}, nil, nil)
}

func TestFollowRedirect(t *testing.T) {
	m := testCall()
	log := slog.New(slog.DiscardHandler)
	r := NewRedirects("sip:bob@127.0.0.1", "127.0.0.1", log)

	// Not redirects: the error stays.
	for _, err := range []error{errors.New("boom"), redirectErr(486), redirectErr(302), redirectErr(305, "sip:p@x"), redirectErr(380, "sip:x@y")} {
		if next, got := r.Follow(m, err); next != "" || got != err {
			t.Errorf("Follow(%v) = %q, %v; want no follow and the same error", err, next, got)
		}
	}
	// Unusable contacts are skipped; the first usable one wins.
	next, err := r.Follow(m, redirectErr(302, "http://x", "sip:carol@127.0.0.1", "sip:dave@127.0.0.1"))
	if next != "sip:carol@127.0.0.1" || err != nil {
		t.Fatalf("follow = %q, %v", next, err)
	}
	if i := m.Info(); i.Redirected != next || i.Remote.URI != next {
		t.Errorf("call info after redirect %+v", i)
	}
	// A tel: contact becomes a number at the account's domain.
	if next, err = r.Follow(m, redirectErr(301, "tel:+4930123")); next != "sip:+4930123@127.0.0.1" || err != nil {
		t.Fatalf("tel follow = %q, %v", next, err)
	}
	// Back to a target already tried (parameters do not matter): a loop.
	_, err = r.Follow(m, redirectErr(302, "sip:BOB@127.0.0.1;transport=udp"))
	var ce *End
	if !errors.As(err, &ce) || ce.Reason != ReasonRedirectLoop || ce.Code != 482 {
		t.Errorf("loop: %v", err)
	}
	// ... unless another contact is new.
	if next, err = r.Follow(m, redirectErr(302, "sip:bob@127.0.0.1", "sip:eve@127.0.0.1")); next != "sip:eve@127.0.0.1" || err != nil {
		t.Errorf("loop with a way out = %q, %v", next, err)
	}
	// Nothing usable at all.
	if _, err = r.Follow(m, redirectErr(302, "mailto:x@y")); !errors.As(err, &ce) || ce.Reason != ReasonBadRedirect {
		t.Errorf("unusable: %v", err)
	}
	// At most MaxRedirects.
	for i := r.n; i < MaxRedirects; i++ {
		if next, err = r.Follow(m, redirectErr(302, fmt.Sprintf("sip:u%d@127.0.0.1", i))); next == "" {
			t.Fatalf("redirect %d: %v", i+1, err)
		}
	}
	if _, err = r.Follow(m, redirectErr(302, "sip:last@127.0.0.1")); !errors.As(err, &ce) || ce.Reason != ReasonTooManyRedirects {
		t.Errorf("redirect %d: %v, want too many", MaxRedirects+1, err)
	}
	// An ended call follows nothing.
	ended := testCall()
	_ = ended.End("hung up", 0)
	if next, _ := NewRedirects("sip:a@b", "", log).Follow(ended, redirectErr(302, "sip:c@d")); next != "" {
		t.Errorf("ended call followed %q", next)
	}
	// A direct call has no domain for a tel: redirect.
	if uri, ok := ContactURI("tel:+4930123", ""); ok {
		t.Errorf("tel: redirect of a direct call = %q", uri)
	}
}
