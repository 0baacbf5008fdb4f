package sdp

import (
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/codec"
)

// Answer answers a remote offer (RFC 3264 6). It takes the first enabled
// audio stream on a known profile (see the Profile constants) and, of
// l.Codecs in our preference order, the first the offer contains, matched
// by name, clock rate and channels whatever PT the peer gave it. The answer carries only that codec (so the peer
// cannot switch to one we did not set up) plus telephone-event at its
// clock rate if both sides want DTMF, all on the offerer's PTs. Offered
// video streams are answered with l.Video as answerVideo describes, listed
// in n.Video. Every other offered stream is rejected with port 0, in the
// offer's order.
//
// The answer keeps the offer's profile and carries l.Transport as Local
// describes; n.Transport is the offer's for the stream taken (see
// ReadOffer). An SRTP stream needs the matching keys in l.Transport
// (a=crypto for RTP/SAVP(F), a=fingerprint for UDP/TLS/...), else it is
// passed over as unsupported: a plain Local never answers encrypted media.
//
// Errors: ErrMalformed (a UAS may answer 400), ErrNoAudio (possibly with
// ErrUnsupportedProfile) and ErrNoCommonCodec (488 Not Acceptable Here).
func Answer(offer []byte, l Local) (answer []byte, n Negotiated, err error) {
	l, err = normalize(l)
	if err != nil {
		return nil, n, err
	}
	s, err := parse(offer)
	if err != nil {
		return nil, n, err
	}
	i, err := pickAudio(s, &l.Transport)
	if err != nil {
		return nil, n, err
	}
	r, err := digest(s, i, nil)
	if err != nil {
		return nil, n, err
	}
	t := readTransport(s, s.MediaDescriptions[i])
	muxed := t.RTCPMux && (l.Transport.RTCPMux || l.Transport.RTCPMuxOnly)
	c, f, ok := choose(l.Codecs, r.formats)
	if !ok {
		return nil, n, fmt.Errorf("%w: offer has %s", ErrNoCommonCodec, describe(r.formats))
	}
	c.PayloadType = f.pt
	n = Negotiated{
		Remote:     r.addr,
		RemoteRTCP: r.rtcp,
		Codec:      c,
		RemoteFmtp: f.fmtp,
		RecvPT:     f.pt,
		Ptime:      sendPtime(r, l, c),
		Direction:  ours(r.dir, l.Direction),
		Transport:  t,
	}
	n.RemoteSession = r.session
	if muxed {
		n.RemoteRTCP = r.addr
	}
	fs := []format{fromCodec(c)}
	if d, ok := findDTMF(r.formats, c.ClockRate); ok && l.DTMF {
		n.DTMFPT, n.RecvDTMFPT = d.pt, d.pt
		fs = append(fs, format{pt: d.pt, name: telephoneEvent, rate: d.rate, channels: 1, fmtp: dtmfEvents})
	}

	out := session(l)
	vms, vn, lite := answerVideo(s, l)
	n.Video = vn
	for j, m := range s.MediaDescriptions {
		switch {
		case j == i:
			m := audio(l, fs, n.Direction, t.Profile)
			writeTransport(out, m, l.Transport, l.RTPPort, true, t.RTCPMux)
			out.MediaDescriptions = append(out.MediaDescriptions, m)
		case vms[j] != nil:
			out.MediaDescriptions = append(out.MediaDescriptions, vms[j])
		default:
			out.MediaDescriptions = append(out.MediaDescriptions, rejected(m))
		}
	}
	addLite(out, lite)
	b, err := marshal(out)
	if err != nil {
		return nil, Negotiated{}, err
	}
	return b, n, nil
}

// choose returns the first of ours (by our preference) that fs contains,
// with the peer's format for it.
func choose(ours []codec.Info, fs []format) (codec.Info, format, bool) {
	for _, c := range ours {
		for _, f := range fs {
			if f.isCodec(c) {
				return c, f, true
			}
		}
	}
	return codec.Info{}, format{}, false
}

func findDTMF(fs []format, rate int) (format, bool) {
	for _, f := range fs {
		if f.isDTMF(rate) {
			return f, true
		}
	}
	return format{}, false
}

// describe lists formats for an error message, e.g. "speex/16000, GSM/8000".
func describe(fs []format) string {
	if len(fs) == 0 {
		return "no known formats"
	}
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.encoding()
	}
	return strings.Join(names, ", ")
}
