package core

import (
	"errors"
	"strconv"
	"strings"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
)

// Following 3xx as the caller: the callee (or its server) answered our
// INVITE with 301/302 and Contacts; we call the first usable one with the
// same call, media socket and offer.

// maxRedirects bounds the redirects one call follows.
const maxRedirects = 5

// Reasons of calls a redirect ended.
const (
	ReasonRedirectLoop     = "redirect loop"
	ReasonTooManyRedirects = "too many redirects"
	ReasonBadRedirect      = "redirected to no usable address"
)

// callEnd is an INVITE failure the caller turns into a call's end reason.
type callEnd struct {
	reason string
	code   int
}

func (e *callEnd) Error() string { return e.reason }

// redirects are the targets one outgoing call has tried.
type redirects struct {
	tried map[string]bool
	n     int
}

func newRedirects(first string) *redirects {
	return &redirects{tried: map[string]bool{redirectKey(first): true}}
}

// followRedirect looks at the INVITE's failure: for a redirect it returns
// the next request URI, having recorded it on the call (Redirected and the
// remote party); otherwise "" and the error that ends the call (err
// itself, or a *callEnd for a loop or a redirect that leads nowhere).
func (c *activeCall) followRedirect(r *redirects, err error) (string, error) {
	var se *sip.StatusError
	if !errors.As(err, &se) || se.Code < 300 || se.Code > 302 || len(se.Contacts) == 0 || c.isEnded() {
		return "", err
	}
	if r.n >= maxRedirects {
		return "", &callEnd{ReasonTooManyRedirects, se.Code}
	}
	next, loop := "", false
	for _, ct := range se.Contacts {
		uri, ok := c.redirectURI(ct)
		if !ok {
			continue
		}
		if r.tried[redirectKey(uri)] {
			loop = true
			continue
		}
		next = uri
		break
	}
	switch {
	case next == "" && loop:
		return "", &callEnd{ReasonRedirectLoop, 482}
	case next == "":
		return "", &callEnd{ReasonBadRedirect, se.Code}
	}
	r.tried[redirectKey(next)] = true
	r.n++
	_ = c.m.Update(func(i *call.Info) {
		i.Redirected = next
		i.Remote = call.Party{URI: next}
	})
	c.p.o.log.Info("call redirected", "call", c.id, "code", se.Code, "to", next, "redirects", r.n)
	return next, nil
}

// redirectURI makes a Contact of a 3xx into a request URI, read as every
// address is (targetURI): a tel: number is at the account's domain, so
// unusable in a direct call.
func (c *activeCall) redirectURI(contact string) (string, bool) {
	domain := ""
	if c.ln != nil {
		domain = c.ln.cfg.Domain
	}
	uri, _, err := targetURI(contact, domain)
	return uri, err == nil
}

// redirectKey identifies a target for loop detection: user, host and
// port, whatever the parameters.
func redirectKey(uri string) string {
	u, err := sip.ParseTarget(uri)
	if err != nil {
		return uri
	}
	return strings.ToLower(u.User + "@" + u.Host + ":" + strconv.Itoa(u.Port))
}
