package callmedia

import (
	"context"
	"errors"
	"net/netip"

	"github.com/softphone/softphone/core/sdp"
)

// ErrBoundToAddress means a stream cannot follow a new local address: one
// of its sockets is bound to the old one (ICE binds the advertised
// address, and so does every socket when the phone listens on one address
// only).
var ErrBoundToAddress = errors.New("media: a socket of the call is bound to its old address")

// Advertised is the address our SDP gives for the media.
func (s *Stream) Advertised() netip.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.local.Addr
}

// MoveOffer is our next offer with adv as the media address, everything
// else as agreed (codecs, direction, SDES keys, DTLS fingerprint): the
// offer of a re-INVITE after this host's address changed. Its answer goes
// to Renegotiated. Sockets bound to every interface receive on adv
// already; an ICE path is restarted on adv (new socket, credentials and
// candidates, gathered within ctx). A stream with another socket bound
// to the old address gets ErrBoundToAddress.
func (s *Stream) MoveOffer(ctx context.Context, adv netip.Addr) ([]byte, error) {
	s.mu.Lock()
	for _, v := range s.videos {
		if v.leg != nil && !v.leg.follows(s.bind) {
			s.mu.Unlock()
			return nil, ErrBoundToAddress
		}
	}
	s.mu.Unlock()
	port := 0
	switch {
	case s.audio.usesICE():
		p, err := s.audio.restartICE(ctx, adv)
		if err != nil {
			return nil, err
		}
		port = p
	case !s.audio.follows(s.bind):
		return nil, ErrBoundToAddress
	}
	s.mu.Lock()
	s.local.Addr = adv
	if port != 0 {
		s.local.RTPPort = port
	}
	s.mu.Unlock()
	return sdp.Offer(s.sdpLocal(true))
}

// follows says whether the leg receives on whatever address the host has:
// its socket is bound to every interface (a plain socket pair is bound on
// bind), and no ICE agent holds candidates of the old address.
func (l *leg) follows(bind netip.Addr) bool {
	l.mu.Lock()
	path := l.path
	l.mu.Unlock()
	if path != nil {
		return path.Local() == nil && path.Addr().Addr().IsUnspecified()
	}
	return bind.IsUnspecified()
}

// retarget points a path leg at the far end's new address when its SDP
// moved from prev to now (the session's SetRemote does not reach a path,
// which latched to where the far end sent from).
func (l *leg) retarget(prev, now netip.AddrPort) {
	l.mu.Lock()
	path := l.path
	l.mu.Unlock()
	if path == nil || !prev.IsValid() || prev == now {
		return
	}
	path.Retarget(now)
}
