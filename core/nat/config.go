// Package nat is a stream's network path: a UDP socket and, with ICE
// (RFC 8445), the candidates, the connectivity checks and the selected pair.
// STUN servers give server-reflexive candidates and TURN servers (static
// long-term credentials) relayed ones; pion/ice runs the agent.
package nat

import (
	"errors"
	"log/slog"
	"net/netip"
)

// Config says how a path reaches the far end.
type Config struct {
	// ICE gathers candidates and runs connectivity checks. Without it the
	// path is a plain UDP socket that sends to the far end's SDP address,
	// latched to where its packets really come from (symmetric RTP).
	ICE bool
	// STUN is a STUN server "host:port" for a server-reflexive candidate,
	// or "".
	STUN string
	// TURN is a TURN server "host:port" (UDP) for a relayed candidate, or
	// "", with its long-term credentials.
	TURN               string
	TURNUser, TURNPass string
	// RelayOnly gathers relayed candidates only, so every pair goes
	// through TURN: it hides our addresses from the far end, and it is how
	// tests prove the relay works. It needs ICE and TURN.
	RelayOnly bool
	// Ports is the local UDP port range of the host socket (0, 0: any).
	Ports struct{ Min, Max int }
	// Log receives the path's events; pion's own logs go to it at Debug.
	// nil: slog.Default().
	Log *slog.Logger
}

// Local is what our SDP says about the path's ICE: credentials and the
// a=candidate values (without the "candidate:" prefix).
type Local struct {
	Ufrag, Pwd string
	Candidates []string
}

// Remote is what the far end's SDP says about its side of the path.
type Remote struct {
	// Addr is the far end's c=/m= address: its default candidate, or its
	// only address without ICE.
	Addr netip.AddrPort
	// Ufrag and Pwd are "" when the far end does not do ICE.
	Ufrag, Pwd string
	// Candidates are its a=candidate values.
	Candidates []string
	// Controlling is true when we offered: with two full agents the
	// offerer controls (RFC 8445 section 6.1.1).
	Controlling bool
}

var (
	// ErrBadCandidate is a candidate line that cannot be used.
	ErrBadCandidate = errors.New("nat: bad ICE candidate")
	// ErrNotConnected is a write before Connect (or after it failed).
	ErrNotConnected = errors.New("nat: path not connected")
	// ErrICEFailed is ICE ending without a working pair.
	ErrICEFailed = errors.New("nat: ICE failed")
	// ErrNoRemote is a plain connection without a far-end address.
	ErrNoRemote = errors.New("nat: no remote address")
	// ErrConfig is a Config that cannot work (RelayOnly without TURN, ICE
	// on an unspecified bind address...).
	ErrConfig = errors.New("nat: bad config")
)
