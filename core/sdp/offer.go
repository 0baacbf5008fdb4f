package sdp

import "github.com/pion/sdp/v3"

// Offer writes our offer for an INVITE or re-INVITE: one m=audio line with
// l.Codecs in preference order and, with l.DTMF, telephone-event. Keep l:
// ParseAnswer needs the same Local to read the answer.
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
	s.MediaDescriptions = []*sdp.MediaDescription{audio(l, fs, l.Direction)}
	return marshal(s)
}
