package lines

import (
	"context"
	"net"
	"slices"
	"time"
)

// flowDropper is a registrar whose TCP or TLS connection can be closed
// when it leaves from an address this host no longer uses;
// *sip.Registration is one.
type flowDropper interface {
	DropFlow(ctx context.Context, local net.IP) bool
}

// unbinder is a registrar that can remove the binding of our contact at
// an old address; *sip.Registration is one.
type unbinder interface {
	Unbind(ctx context.Context, old net.IP) error
}

// unbindTimeout bounds the REGISTER that removes an old binding.
const unbindTimeout = 5 * time.Second

// Destinations are where the accounts send their requests ("host:port"),
// each once: what the network watch asks the kernel about (also without
// registration, for the calls placed through the account's proxy).
func (s *Set) Destinations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, l := range s.lines {
		if l.reg == nil {
			continue
		}
		d, err := l.Target().Destination()
		if err != nil || slices.Contains(out, d) {
			continue
		}
		out = append(out, d)
	}
	return out
}

// Moved registers again, at once, every running registration sent to
// dest: this host now reaches it from local. A TCP or TLS connection
// from the old address is closed first, so the REGISTER opens one from
// the new address; when old is not nil, the binding of our contact at
// old is removed too (in the background, bounded by unbindTimeout). It
// returns the accounts asked to register again.
func (s *Set) Moved(ctx context.Context, dest string, old, local net.IP) []string {
	type moving struct {
		name string
		reg  any
		acc  interface{ Refresh() }
	}
	s.mu.Lock()
	var ms []moving
	for _, l := range s.lines {
		if l.reg == nil || s.o.NoRegister {
			continue
		}
		if d, err := l.Target().Destination(); err == nil && d == dest {
			ms = append(ms, moving{l.Cfg.Name, l.registrar, l.reg})
		}
	}
	s.mu.Unlock()
	var names []string
	for _, m := range ms {
		if fd, ok := m.reg.(flowDropper); ok {
			fd.DropFlow(ctx, local)
		}
		m.acc.Refresh()
		if ub, ok := m.reg.(unbinder); ok && old != nil && !old.Equal(local) {
			go func() {
				uctx, cancel := context.WithTimeout(ctx, unbindTimeout)
				defer cancel()
				if err := ub.Unbind(uctx, old); err != nil {
					s.o.Log.Debug("old contact not removed", "account", m.name, "address", old, "error", err)
				}
			}()
		}
		names = append(names, m.name)
	}
	return names
}
