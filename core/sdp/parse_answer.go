package sdp

import "fmt"

// ParseAnswer reads the peer's answer to the offer we wrote from offer
// (pass the same Local as to Offer). The answerer may reorder or drop
// codecs; we take the first one in the answer that we offered. A PT the
// answer lists without an rtpmap is read as the one we offered on it.
//
// Errors: ErrMalformed; ErrNoAudio when the answer rejects the audio stream
// (port 0) or has none, with ErrUnsupportedProfile on a profile we do not
// know; ErrProfileMismatch when it answers on another profile than offered
// (plain RTP/AVP(F) to RTP/AVP with a=crypto excepted); ErrNoCommonCodec
// when it keeps none of our codecs. n.Transport is the answer's: whether
// its keys suit our offer is the caller's check. n.Video has one entry per
// offer.Video (see answeredVideo); video never makes an error.
// A UAC then ends the call (ACK and BYE, or CANCEL).
func ParseAnswer(offer Local, answer []byte) (Negotiated, error) {
	l, err := normalize(offer)
	if err != nil {
		return Negotiated{}, err
	}
	ofs, err := offered(l)
	if err != nil {
		return Negotiated{}, err
	}
	s, err := parse(answer)
	if err != nil {
		return Negotiated{}, err
	}
	i := -1
	for j, m := range s.MediaDescriptions {
		if m.MediaName.Media == "audio" {
			i = j
			break
		}
	}
	if i < 0 {
		return Negotiated{}, fmt.Errorf("%w: answer has no audio stream", ErrNoAudio)
	}
	m := s.MediaDescriptions[i]
	if m.MediaName.Port.Value == 0 {
		return Negotiated{}, fmt.Errorf("%w: answer rejected the audio stream", ErrNoAudio)
	}
	t := readTransport(s, m)
	if canonicalProfile(t.Profile) == "" {
		return Negotiated{}, fmt.Errorf("%w: %w: answer switched to %s", ErrNoAudio, ErrUnsupportedProfile, t.Profile)
	}
	if !profileAccepted(l.Transport, t.Profile) {
		return Negotiated{}, fmt.Errorf("%w: offered %s, answered %s", ErrProfileMismatch, profileOr(l.Transport.Profile), t.Profile)
	}
	muxed := t.RTCPMux && (l.Transport.RTCPMux || l.Transport.RTCPMuxOnly)
	known := make(map[uint8]format, len(ofs))
	for _, f := range ofs {
		known[f.pt] = f
	}
	r, err := digest(s, i, known)
	if err != nil {
		return Negotiated{}, err
	}

	// Answer order, not ours: the answerer's choice is what it will send.
	for _, f := range r.formats {
		for _, c := range l.Codecs {
			if !f.isCodec(c) {
				continue
			}
			n := Negotiated{
				Remote:     r.addr,
				RemoteRTCP: r.rtcp,
				Codec:      c,
				RemoteFmtp: f.fmtp,
				RecvPT:     c.PayloadType,
				Ptime:      sendPtime(r, l, c),
				Direction:  ours(r.dir, l.Direction),
				Transport:  t,
			}
			n.Codec.PayloadType = f.pt
			n.RemoteSession = r.session
			if muxed {
				n.RemoteRTCP = r.addr
			}
			theirs, ok1 := findDTMF(r.formats, c.ClockRate)
			mine, ok2 := findDTMF(ofs, c.ClockRate) // absent unless l.DTMF
			if ok1 && ok2 {
				n.DTMFPT, n.RecvDTMFPT = theirs.pt, mine.pt
			}
			n.Video = answeredVideo(l, s)
			return n, nil
		}
	}
	return Negotiated{}, fmt.Errorf("%w: answer has %s", ErrNoCommonCodec, describe(r.formats))
}
