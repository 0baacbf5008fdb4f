package sip

import (
	"context"
	"fmt"
	"net"
)

// Unbind removes, at the registrar, the binding of our contact at old (an
// address this host had before its network changed): otherwise it would
// stay until it expires, and the registrar would fork calls to an address
// nobody answers at. It is a REGISTER with that Contact and Expires 0,
// sent like any other (from the address in use now).
func (r *Registration) Unbind(ctx context.Context, old net.IP) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	dest, err := r.t.Destination()
	if err != nil {
		return err
	}
	res, _, err := r.registerAt(ctx, dest, old, 0)
	if err != nil {
		return fmt.Errorf("sip: unbind %s: %w", old, err)
	}
	if res.Code < 200 || res.Code >= 300 {
		return fmt.Errorf("sip: unbind %s: %w", old, &StatusError{Code: res.Code, Reason: res.Reason})
	}
	return nil
}
