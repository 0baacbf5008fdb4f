package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
)

// Pickup answers the ringing call of a watched extension (directed pickup,
// RFC 4235 4.2 with RFC 3891): an INVITE to the caller replacing its early
// dialog with the extension ("early-only", so a call answered meanwhile is
// not stolen). It returns the new call's id.
func (p *Engine) Pickup(ctx context.Context, uri string) (string, error) {
	uri = strings.TrimSpace(uri)
	d, account, err := p.subs.Ringing(uri)
	if err != nil {
		return "", fmt.Errorf("pickup %s: %w", uri, err)
	}
	return p.pickupDialog(uri, d, account)
}

// pickupDialog takes the ringing dialog d of the extension uri, as its
// dialog state gives it, through account.
func (p *Engine) pickupDialog(uri string, d presence.Dialog, account string) (string, error) {
	// The caller matches to-tag against its own (local) tag and from-tag
	// against the extension's: in the extension's dialog-info those are
	// the remote and local tags.
	rep := sip.Replaces{CallID: d.CallID, ToTag: d.RemoteTag, FromTag: d.LocalTag, EarlyOnly: true}
	if !rep.Valid() {
		return "", fmt.Errorf("pickup %s: the server's dialog state names no usable call-id and tags (%q)", uri, rep.String())
	}
	caller := d.Remote.Identity
	if caller == "" {
		caller = d.Remote.Target
	}
	if caller == "" {
		return "", fmt.Errorf("pickup %s: the server's dialog state does not name the caller", uri)
	}
	// The server's word, checked as any address is (dial reads it with
	// targetURI), so it cannot put a second address or header in the INVITE.
	c, err := p.dial(caller, DialOptions{Account: account}, []sip.Header{{Name: "Replaces", Value: rep.String()}}, nil)
	if err != nil {
		return "", fmt.Errorf("pickup %s: %w", uri, err)
	}
	return c.id, nil
}
