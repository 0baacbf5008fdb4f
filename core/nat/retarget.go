package nat

import "net/netip"

// Retarget sends a plain path's packets to addr from now on and latches
// again to the source of the next packet that arrives: the far end moved
// (a re-INVITE with a new c=). An ICE path (which would need an ICE
// restart) or one not connected yet is left alone.
func (p *Path) Retarget(addr netip.AddrPort) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode != modePlain || !addr.IsValid() || addr == p.remote {
		return
	}
	p.log.Debug("nat: retarget", "from", p.remote, "to", addr)
	p.remote, p.latched = addr, false
}
