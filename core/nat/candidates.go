package nat

import (
	"fmt"
	"net/netip"

	"github.com/pion/ice/v4"
)

// maxCandidateLen bounds what reaches pion's parser: a real candidate line
// is under 200 bytes even with extensions.
const maxCandidateLen = 512

// ParseCandidate checks one a=candidate value (with or without the
// "candidate:" prefix) and returns it. Beyond pion's grammar it accepts
// only what a media path can use: UDP, an IP address (no mDNS names: mDNS
// is off) and a port in 1..65535. Anything else is ErrBadCandidate.
func ParseCandidate(s string) (ice.Candidate, error) {
	if len(s) > maxCandidateLen {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadCandidate, len(s))
	}
	c, err := ice.UnmarshalCandidate(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadCandidate, err)
	}
	if !c.NetworkType().IsUDP() {
		return nil, fmt.Errorf("%w: not UDP: %q", ErrBadCandidate, s)
	}
	if p := c.Port(); p < 1 || p > 65535 {
		return nil, fmt.Errorf("%w: port %d", ErrBadCandidate, p)
	}
	if _, err := netip.ParseAddr(c.Address()); err != nil {
		return nil, fmt.Errorf("%w: address %q", ErrBadCandidate, c.Address())
	}
	return c, nil
}

// candidateAddr is c's transport address.
func candidateAddr(c ice.Candidate) netip.AddrPort {
	a, err := netip.ParseAddr(c.Address())
	if err != nil {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a.Unmap(), uint16(c.Port()))
}

// sdpCandidate writes c as an a=candidate value with the fields RFC 8839
// defines and no extensions: an INVITE over UDP must stay under 1300
// bytes (RFC 3261 18.1.1), and pion's ufrag/network-id/generation
// extensions would cost about 40 bytes per candidate.
func sdpCandidate(c ice.Candidate) string {
	s := fmt.Sprintf("%s %d udp %d %s %d typ %s", c.Foundation(), c.Component(), c.Priority(), c.Address(), c.Port(), c.Type())
	if r := c.RelatedAddress(); r != nil {
		s += fmt.Sprintf(" raddr %s rport %d", r.Address, r.Port)
	}
	return s
}
