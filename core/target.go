package core

import (
	"errors"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/sip"
)

// ErrBadAddress is returned for an address that is no SIP URI, user or
// number (the caller's mistake, not the network's).
var ErrBadAddress = errors.New("bad address")

// errNoDomain means the address is a user or number and there is no
// account's domain to put it at.
var errNoDomain = sip.ErrNoDomain

// targetURI is how every way in reads an address (sip.AddressURI).
func targetURI(s, domain string) (uri, host string, err error) { return sip.AddressURI(s, domain) }

// resolveTarget picks the account and the request URI for an address
// (see targetURI): a user or number goes through account, else the first
// account; a full address through account, else the account whose domain
// is its host, else none (a direct call).
func (p *Engine) resolveTarget(to string, account string) (*line, string, error) {
	var ln *line
	domain := ""
	if account != "" {
		for _, l := range p.lines() {
			if l.Cfg.Name == account {
				ln = l
			}
		}
		if ln == nil {
			return nil, "", fmt.Errorf("%w %q", ErrUnknownAccount, account)
		}
		domain = ln.Cfg.Domain
	}
	uri, host, err := targetURI(to, domain)
	if errors.Is(err, errNoDomain) {
		if all := p.lines(); len(all) > 0 {
			ln = all[0]
			uri, _, err = targetURI(to, ln.Cfg.Domain)
		}
	}
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrBadAddress, err)
	}
	if ln == nil {
		for _, l := range p.lines() {
			if strings.EqualFold(sip.Host(l.Cfg.Domain), host) {
				ln = l
				break
			}
		}
	}
	return ln, uri, nil
}

// LinkTarget is the address a clicked sip:, sips:, tel: or callto: link
// dials; ok false for any other link (see sip.LinkTarget).
func LinkTarget(link string) (string, bool) { return sip.LinkTarget(link) }
