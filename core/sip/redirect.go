package sip

import (
	"errors"
	"fmt"
	"strings"

	"github.com/emiago/sipgo/sip"
)

// MaxRedirectContacts bounds the Contacts of one 302 we send.
const MaxRedirectContacts = 8

// Redirect answers the INVITE with 302 Moved Temporarily, one Contact per
// target (call forwarding). Each target must be a plain sip: or sips: URI;
// it is checked here because sipgo writes header values as given.
func (in *Incoming) Redirect(contacts ...string) error {
	if len(contacts) == 0 {
		return errors.New("sip: redirect: no contact")
	}
	if len(contacts) > MaxRedirectContacts {
		return fmt.Errorf("sip: redirect: %d contacts, at most %d", len(contacts), MaxRedirectContacts)
	}
	hdrs := make([]sip.Header, 0, len(contacts))
	for _, c := range contacts {
		u, err := ParseContactURI(c)
		if err != nil {
			return fmt.Errorf("sip: redirect: %w", err)
		}
		hdrs = append(hdrs, &sip.ContactHeader{Address: u})
	}
	defer in.settle()
	if err := in.sess.Respond(sip.StatusMovedTemporarily, "Moved Temporarily", nil, hdrs...); err != nil {
		return fmt.Errorf("sip: redirect 302: %w", err)
	}
	return nil
}

// ParseContactURI checks a redirect target: a sip: or sips: URI with a
// host, and nothing that could break out of a Contact header (controls,
// spaces, quotes, angle brackets, commas).
func ParseContactURI(s string) (sip.Uri, error) {
	if s == "" {
		return sip.Uri{}, errors.New("empty contact")
	}
	for _, r := range s {
		if r < 0x21 || r == 0x7f || strings.ContainsRune(`<>"\,`, r) {
			return sip.Uri{}, fmt.Errorf("contact %q: %q not allowed", s, r)
		}
	}
	lower := strings.ToLower(s)
	if !strings.HasPrefix(lower, "sip:") && !strings.HasPrefix(lower, "sips:") {
		return sip.Uri{}, fmt.Errorf("contact %q: want a sip: or sips: URI", s)
	}
	var u sip.Uri
	if err := sip.ParseUri(s, &u); err != nil {
		return sip.Uri{}, fmt.Errorf("contact %q: %w", s, err)
	}
	if u.Host == "" || u.Wildcard {
		return sip.Uri{}, fmt.Errorf("contact %q has no host", s)
	}
	return u, nil
}
