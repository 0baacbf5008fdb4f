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

// refreshTarget follows the Contact of the far end's re-INVITE (a target
// refresh, RFC 3261 12.2.2): it moved, and our requests in the dialog
// go to its new address from now on.
func (d *Dialog) refreshTarget(req *sip.Request) {
	c := req.Contact()
	if c == nil {
		return
	}
	u := c.Address.Clone()
	d.mu.Lock()
	d.remote = u
	d.mu.Unlock()
}

// refreshedTarget is the far end's Contact from its latest re-INVITE, nil
// when it never sent one with a Contact.
func (d *Dialog) refreshedTarget() *sip.Uri {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.remote
}

// byeTo hangs up with a BYE to target: sipgo's own BYE goes to the
// Contact the dialog began with.
func (d *Dialog) byeTo(ctx context.Context, target sip.Uri) error {
	bye := sip.NewRequest(sip.BYE, target)
	if d.client != nil {
		bye.SetTransport(d.client.InviteRequest.Transport())
		return d.client.WriteBye(ctx, bye)
	}
	bye.SetTransport(d.server.InviteRequest.Transport())
	return d.server.WriteBye(ctx, bye)
}
