package config

import (
	"fmt"
	"net/netip"
	"strings"
)

// ParseNet reads one allow_direct_from entry: an address ("198.18.0.7",
// "2001:db8::1") or a network in CIDR form ("10.0.0.0/8").
func ParseNet(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address or a network such as 10.0.0.0/8", s)
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or a network such as 10.0.0.0/8", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// DirectNets is DirectFrom parsed; entries that do not parse (Parse has
// already refused them) are left out.
func (s SIP) DirectNets() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(s.DirectFrom))
	for _, n := range s.DirectFrom {
		if p, err := ParseNet(n); err == nil {
			out = append(out, p)
		}
	}
	return out
}
