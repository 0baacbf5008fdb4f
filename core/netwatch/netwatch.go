// Package netwatch notices when the local address this host uses toward a
// destination changes: an address removed or added, another default
// route, another network. It asks the kernel (a connected UDP socket's
// local address: nothing is sent) every period, which works the same on
// every platform; the caller decides what a change means.
package netwatch

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"
)

// Router tells which local address the host uses toward dest ("host:port").
type Router interface {
	LocalAddr(ctx context.Context, dest string) (netip.Addr, error)
}

// Kernel is the Router of the running host: it connects a UDP socket to
// dest and reads the address the kernel chose for it.
type Kernel struct{}

// LocalAddr is the source address of a datagram to dest sent now.
func (Kernel) LocalAddr(ctx context.Context, dest string) (netip.Addr, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", dest)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("netwatch: no route to %s: %w", dest, err)
	}
	defer c.Close()
	ap, err := netip.ParseAddrPort(c.LocalAddr().String())
	if err != nil {
		return netip.Addr{}, fmt.Errorf("netwatch: local address %v: %w", c.LocalAddr(), err)
	}
	return ap.Addr().Unmap(), nil
}

// Change is a destination whose local address moved. Old is invalid the
// first time a route appears after none; New is invalid when there is no
// route any more.
type Change struct {
	Dest     string
	Old, New netip.Addr
}

func (c Change) String() string {
	return fmt.Sprintf("%s: %v → %v", c.Dest, c.Old, c.New)
}

// DefaultPeriod is how often Run asks the kernel.
const DefaultPeriod = time.Second

// Watcher remembers, per destination, the local address seen last.
type Watcher struct {
	router Router
	period time.Duration

	// mu guards last; Check holds it while it asks the router, so checks
	// run one at a time.
	mu   sync.Mutex
	last map[string]netip.Addr // invalid: no route at the last check
}

// New watches with router every period (DefaultPeriod when 0 or less).
func New(router Router, period time.Duration) *Watcher {
	if period <= 0 {
		period = DefaultPeriod
	}
	return &Watcher{router: router, period: period, last: map[string]netip.Addr{}}
}

// Check asks the router about every destination once and returns those
// whose local address differs from the previous check's. A destination
// seen for the first time sets its baseline and is not a change;
// destinations no longer given are forgotten.
func (w *Watcher) Check(ctx context.Context, dests []string) []Change {
	w.mu.Lock()
	defer w.mu.Unlock()
	var out []Change
	seen := make(map[string]bool, len(dests))
	for _, d := range dests {
		if seen[d] {
			continue
		}
		seen[d] = true
		now, err := w.router.LocalAddr(ctx, d)
		if err != nil {
			now = netip.Addr{}
		}
		old, known := w.last[d]
		w.last[d] = now
		if known && old != now {
			out = append(out, Change{Dest: d, Old: old, New: now})
		}
	}
	for d := range w.last {
		if !seen[d] {
			delete(w.last, d)
		}
	}
	return out
}

// Run checks dests() every period until ctx ends and gives each change to
// changed, on Run's goroutine (a slow changed delays the next check).
func (w *Watcher) Run(ctx context.Context, dests func() []string, changed func(Change)) {
	t := time.NewTicker(w.period)
	defer t.Stop()
	w.Check(ctx, dests()) // the baseline
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, c := range w.Check(ctx, dests()) {
			if ctx.Err() != nil {
				return
			}
			changed(c)
		}
	}
}
