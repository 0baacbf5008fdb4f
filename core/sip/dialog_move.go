package sip

import (
	"context"
	"net"

	"github.com/emiago/sipgo/sip"
)

// contact is our Contact in the dialog as it stands.
func (d *Dialog) contact() *sip.ContactHeader {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.local
}

// Move tells the far end that we are now reached at host (this host's
// address changed): a re-INVITE with offer, whose Contact carries host,
// so that the far end's requests and our answers in the dialog use it
// from then on (a target refresh, RFC 3261 12.2). It returns the far
// end's answer; when it fails our Contact goes back to what it was.
func (d *Dialog) Move(ctx context.Context, host net.IP, offer []byte) ([]byte, error) {
	old := d.contact()
	moved := old.Clone()
	moved.Address.Host = host.String()
	d.mu.Lock()
	d.local = moved
	d.mu.Unlock()
	answer, err := d.ReInvite(ctx, offer)
	if err != nil {
		d.mu.Lock()
		if d.local == moved {
			d.local = old
		}
		d.mu.Unlock()
		return nil, err
	}
	return answer, nil
}
