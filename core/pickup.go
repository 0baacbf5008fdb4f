package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/sip"
)

// ErrNotRinging is returned by Pickup when the extension has no call to take.
var ErrNotRinging = errors.New("no ringing call to pick up")

// Pickup answers the ringing call of a watched extension (directed pickup,
// RFC 4235 4.2 with RFC 3891): an INVITE to the caller replacing its early
// dialog with the extension ("early-only", so a call answered meanwhile is
// not stolen). It returns the new call's id.
func (p *Engine) Pickup(ctx context.Context, uri string) (string, error) {
	uri = strings.TrimSpace(uri)
	p.ev.mu.Lock()
	w := p.ev.watch[uri]
	if w == nil {
		p.ev.mu.Unlock()
		return "", fmt.Errorf("pickup %s: not watched", uri)
	}
	d, ok := w.tracker.Ringing()
	account := w.account
	p.ev.mu.Unlock()
	if !ok {
		return "", fmt.Errorf("pickup %s: %w", uri, ErrNotRinging)
	}
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
