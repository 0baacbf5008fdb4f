package forward

import (
	"errors"
	"log/slog"
	"strconv"
	"strings"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// Following 3xx as the caller: the callee (or its server) answered our
// INVITE with 301/302 and Contacts; the call goes on to the first usable
// one with the same media socket and offer.

// MaxRedirects bounds the redirects one call follows.
const MaxRedirects = 5

// Reasons of calls a redirect ended.
const (
	ReasonRedirectLoop     = "redirect loop"
	ReasonTooManyRedirects = "too many redirects"
	ReasonBadRedirect      = "redirected to no usable address"
)

// End is an INVITE failure that ends the call with its own reason and
// code: a loop, too many redirects, or a redirect that leads nowhere.
type End struct {
	Reason string
	Code   int
}

func (e *End) Error() string { return e.Reason }

// Redirects are the targets one outgoing call has tried. One call's
// INVITEs run one after another: no lock.
type Redirects struct {
	domain string // the account's; "" for a direct call
	log    *slog.Logger
	tried  map[string]bool
	n      int
}

// NewRedirects starts following for a call first sent to first, from an
// account at domain ("" for a direct call).
func NewRedirects(first, domain string, log *slog.Logger) *Redirects {
	return &Redirects{domain: domain, log: log, tried: map[string]bool{key(first): true}}
}

// Follow looks at the INVITE failure err of call m: for a redirect it
// returns the next request URI, having recorded it on the call
// (Redirected and the remote party); otherwise "" and the error that ends
// the call (err itself, or an *End for a loop or a redirect that leads
// nowhere). An ended call follows nothing.
func (r *Redirects) Follow(m *call.Machine, err error) (string, error) {
	var se *sip.StatusError
	if !errors.As(err, &se) || se.Code < 300 || se.Code > 302 || len(se.Contacts) == 0 || m.Is(call.Ended) {
		return "", err
	}
	if r.n >= MaxRedirects {
		return "", &End{ReasonTooManyRedirects, se.Code}
	}
	next, loop := "", false
	for _, ct := range se.Contacts {
		uri, ok := ContactURI(ct, r.domain)
		if !ok {
			continue
		}
		if r.tried[key(uri)] {
			loop = true
			continue
		}
		next = uri
		break
	}
	switch {
	case next == "" && loop:
		return "", &End{ReasonRedirectLoop, 482}
	case next == "":
		return "", &End{ReasonBadRedirect, se.Code}
	}
	r.tried[key(next)] = true
	r.n++
	_ = m.Update(func(i *call.Info) {
		i.Redirected = next
		i.Remote = call.Party{URI: next}
	})
	r.log.Info("call redirected", "call", m.Info().ID, "code", se.Code, "to", next, "redirects", r.n)
	return next, nil
}

// ContactURI makes a Contact of a 3xx into a request URI, read as every
// address is: a tel: number is at the account's domain, so unusable in a
// direct call (domain "").
func ContactURI(contact, domain string) (string, bool) {
	uri, _, err := sip.AddressURI(contact, domain)
	return uri, err == nil
}

// key identifies a target for loop detection: user, host and port,
// whatever the parameters.
func key(uri string) string {
	u, err := sip.ParseTarget(uri)
	if err != nil {
		return uri
	}
	return strings.ToLower(u.User + "@" + u.Host + ":" + strconv.Itoa(u.Port))
}
