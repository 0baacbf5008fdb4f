package sip

import (
	"errors"
	"fmt"
	"strings"
)

// One reading of an address, whoever gives it: the user (Dial, Transfer,
// SendMessage, Watch, forwarding and voicemail settings) or a peer or
// server (a REFER's target, a 3xx Contact, the caller named in a busy
// lamp's dialog state).

// ErrNoDomain means the address is a user or number and there is no
// account's domain to put it at.
var ErrNoDomain = errors.New("a user or number needs an account: give a full address (sip:user@host)")

// AddressURI makes an address into the SIP URI to reach:
//   - a user or number ("bob", "2000", "+4930123", "sip:2000") is at domain;
//   - tel:<number> is that number at domain, "+" kept, visual separators
//     and parameters dropped;
//   - user@host and host[:port] get the sip: scheme;
//   - a sip: or sips: URI is used as it is.
//
// It returns the URI and its host. Every result passes ParseTarget.
// With domain "" a well-formed user or number gives ErrNoDomain, so
// AddressURI(s, "") alone checks s.
func AddressURI(s, domain string) (uri, host string, err error) {
	t := strings.TrimSpace(s)
	scheme, rest, hasScheme := strings.Cut(t, ":")
	scheme = strings.ToLower(scheme)
	var user string
	switch {
	case t == "":
		return "", "", errors.New("empty address")
	case hasScheme && scheme == "tel":
		n, err := telNumber(rest)
		if err != nil {
			return "", "", fmt.Errorf("address %q: %w", s, err)
		}
		scheme, user = "sip", n
	case hasScheme && (scheme == "sip" || scheme == "sips") && isUserPart(rest):
		user = rest
	case !hasScheme && isUserPart(t):
		scheme, user = "sip", t
	default:
		u, err := ParseTarget(t)
		if err != nil {
			return "", "", err
		}
		return u.String(), u.Host, nil
	}
	if user == "" {
		return "", "", fmt.Errorf("address %q: no user or host", s)
	}
	at := domain
	if at == "" {
		at = "invalid" // checks the user part (RFC 2606 name)
	}
	u, err := ParseTarget(scheme + ":" + user + "@" + at)
	switch {
	case err != nil:
		return "", "", err
	case domain == "":
		return "", "", fmt.Errorf("address %q: %w", s, ErrNoDomain)
	}
	return u.String(), u.Host, nil
}

// isUserPart tells a user or number from an address with a host: it has no
// "@" and nothing of a host name, IP address or port.
func isUserPart(s string) bool { return !strings.ContainsAny(s, "@.:[") }

// telNumber is the number of a tel: URI (RFC 3966) without its visual
// separators and parameters.
func telNumber(s string) (string, error) {
	n, _, _ := strings.Cut(s, ";")
	n = strings.Map(func(r rune) rune {
		if strings.ContainsRune("-.()", r) {
			return -1
		}
		return r
	}, n)
	digits := strings.TrimPrefix(n, "+")
	if digits == "" || strings.Trim(digits, "0123456789*#") != "" {
		return "", fmt.Errorf("tel: number %q is not a phone number", s)
	}
	return n, nil
}
