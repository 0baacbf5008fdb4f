// Package sdp does the RFC 3264 offer/answer exchange for a call with one
// audio stream and any number of video streams (see VideoLocal), plain or
// encrypted (SDES or DTLS-SRTP), optionally routed by ICE. It speaks only
// the SDP this phone needs: transport and security attributes pass through
// as strings (see Transport), and keys, sockets, codecs and SIP are the
// caller's.
package sdp

import (
	"errors"
	"net/netip"

	"github.com/softphone/softphone/core/codec"
)

// Errors callers branch on. Each one is returned wrapped with detail.
var (
	// ErrNoCommonCodec means the peer offered nothing we can decode; a SIP
	// UAS answers 488 Not Acceptable Here.
	ErrNoCommonCodec = errors.New("sdp: no common codec")
	// ErrMalformed wraps a parse error of the remote SDP.
	ErrMalformed = errors.New("sdp: malformed")
	// ErrNoAudio means there is no usable audio stream: none offered, all
	// disabled (port 0), or rejected in the answer.
	ErrNoAudio = errors.New("sdp: no usable audio stream")
	// ErrUnsupportedProfile comes together with ErrNoAudio when the audio
	// stream uses a transport profile we do not know (see the Profile
	// constants), or, in Answer, an SRTP profile Local.Transport brings no
	// keys for.
	ErrUnsupportedProfile = errors.New("sdp: unsupported transport profile")
	// ErrProfileMismatch means the answer's profile is not the one we
	// offered (nor plain RTP/AVP(F) to an RTP/AVP offer with a=crypto): the
	// peer broke RFC 3264, or downgraded our encryption. A UAC ends the call.
	ErrProfileMismatch = errors.New("sdp: answer changed the transport profile")
)

// Direction is an SDP media direction attribute (RFC 3264 5.1).
type Direction string

// The four directions.
const (
	SendRecv Direction = "sendrecv"
	SendOnly Direction = "sendonly"
	RecvOnly Direction = "recvonly"
	Inactive Direction = "inactive"
)

// Local is what we put into an offer or an answer.
type Local struct {
	Addr    netip.Addr   // connection address we receive RTP on
	RTPPort int          // our RTP port; RTCP is RTPPort+1, written as a=rtcp
	Codecs  []codec.Info // in preference order
	// DTMF offers telephone-event (RFC 4733) at 8000 Hz, and at every other
	// clock rate among Codecs (48000 with opus), each on its own PT: 101,
	// 102, ... unless a codec already uses that number.
	DTMF      bool
	Ptime     int       // ms we want to receive, 10..60; 0 means 20
	Direction Direction // "" means sendrecv
	// SessionID and Version fill the o= line. The caller increments Version
	// for every new offer in a dialog (re-INVITE), RFC 3264 8.
	SessionID, Version uint64
	Username           string // o= username; "" means "-"
	// Transport is written as given, except that in an answer the m=
	// proto echoes the offer's (Profile is ignored), rtcp-mux is accepted
	// only if the offer has it, and a=rtcp-mux-only is never written (RFC
	// 8858); in an offer RTCPMuxOnly implies a=rtcp-mux. With RTCP surely
	// multiplexed (rtcp-mux-only offered, or rtcp-mux accepted in an
	// answer) a=rtcp names RTPPort itself. In an answer Setup must be
	// active or passive (RFC 5763); that is the caller's choice.
	Transport Transport
	// Video lists our video streams, written in this order after the
	// audio (Offer) or paired with the offer's m=video lines (Answer).
	// Empty: no video, and offered video is rejected with port 0.
	Video []VideoLocal
}

// Negotiated is the outcome of one offer/answer exchange.
type Negotiated struct {
	Remote netip.AddrPort // where to send RTP (c= and m= port)
	// RemoteRTCP is where to send RTCP: a=rtcp, else port+1, but Remote
	// when both sides agreed on rtcp-mux.
	RemoteRTCP netip.AddrPort
	// Codec is our codec.Info for the chosen codec, except PayloadType is
	// the one the remote uses: send with it.
	Codec codec.Info
	// RemoteFmtp is the peer's a=fmtp for Codec, e.g. opus
	// "useinbandfec=1;stereo=0": how it wants to receive, for the encoder.
	RemoteFmtp string
	// RecvPT is the payload type we expect for Codec. In an answer we give
	// it equals Codec.PayloadType (we echo the offerer, RFC 3264 6.1).
	RecvPT uint8
	// DTMFPT is the telephone-event PT to send with, at Codec's clock rate;
	// 0 if the peer has none. RecvDTMFPT is the one we expect to receive.
	DTMFPT, RecvDTMFPT uint8
	Ptime              int // ms to send with
	// Direction is OUR direction after negotiation: the peer's mirrored
	// and restricted by Local.Direction.
	Direction     Direction
	RemoteSession struct{ ID, Version uint64 } // the peer's o= line
	// Transport is the REMOTE side's transport attributes of the chosen
	// stream as it wrote them, session-level ones merged in: its keys,
	// fingerprint, setup role and ICE credentials and candidates.
	Transport Transport
	// Video has one entry per video stream: after Answer, per m=video line
	// of the offer in its order; after ParseAnswer, per Local.Video.
	Video []VideoNegotiated
}

// Sends reports whether we may send media in direction d.
func (d Direction) Sends() bool { return d == SendRecv || d == SendOnly }

// Receives reports whether we should expect media in direction d.
func (d Direction) Receives() bool { return d == SendRecv || d == RecvOnly }

func (d Direction) valid() bool {
	switch d {
	case SendRecv, SendOnly, RecvOnly, Inactive:
		return true
	}
	return false
}

// directionOf builds a Direction from its two halves.
func directionOf(send, recv bool) Direction {
	switch {
	case send && recv:
		return SendRecv
	case send:
		return SendOnly
	case recv:
		return RecvOnly
	}
	return Inactive
}

// ours turns the peer's direction into ours, limited by what we want:
// we send only if they receive and we want to send, and vice versa.
func ours(remote, local Direction) Direction {
	return directionOf(remote.Receives() && local.Sends(), remote.Sends() && local.Receives())
}
