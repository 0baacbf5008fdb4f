package sdp

import "github.com/pion/sdp/v3"

// Offer writes our offer for an INVITE or re-INVITE: one m=audio line on
// l.Transport.Profile with l.Codecs in preference order and, with l.DTMF,
// telephone-event, then l.Transport's attributes; then one m=video line per
// l.Video, in order, likewise (a disabled one with port 0 and its formats
// only). Keep l: ParseAnswer needs the same Local to read the answer. A
// re-offer keeps every m= line of the last one: disable a video stream,
// do not drop it from l.Video.
func Offer(l Local) ([]byte, error) {
	l, err := normalize(l)
	if err != nil {
		return nil, err
	}
	fs, err := offered(l)
	if err != nil {
		return nil, err
	}
	s := session(l)
	m := audio(l, fs, l.Direction, profileOr(l.Transport.Profile))
	writeTransport(s, m, l.Transport, l.RTPPort, false, false)
	s.MediaDescriptions = []*sdp.MediaDescription{m}
	offerVideo(s, l)
	return marshal(s)
}

// ReadOffer digests the far end's offer: the transport attributes of its
// first audio stream on a known profile (the one Answer takes, unless it
// is SRTP and Local.Transport has no keys for it), with session-level
// a=fingerprint, a=setup, a=ice-ufrag and a=ice-pwd applying when the
// media level has none, and a=ice-lite. The caller decides from it what
// to put in Local.Transport before calling Answer.
//
// Errors: ErrMalformed, ErrNoAudio (possibly with ErrUnsupportedProfile).
func ReadOffer(offer []byte) (Transport, error) {
	s, err := parse(offer)
	if err != nil {
		return Transport{}, err
	}
	i, err := pickAudio(s, nil)
	if err != nil {
		return Transport{}, err
	}
	return readTransport(s, s.MediaDescriptions[i]), nil
}
