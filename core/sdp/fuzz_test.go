package sdp

import (
	"errors"
	"testing"

	"github.com/pion/sdp/v3"
)

// FuzzAnswer feeds arbitrary bytes to Answer and ParseAnswer: no panics,
// only our sentinel errors, and every answer we write must parse and have
// one m= line per offered one.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		baresipOffer, linphoneOffer, asteriskOffer, videoOffer, holdSendonlyOffer,
		holdZeroOffer, inactiveOffer, unknownCodecsOffer, savpOffer,
		noRtpmapDynamicOffer, ipv6Offer, disabledFirstAudioOffer,
	} {
		f.Add(crlf(s))
	}
	f.Add([]byte("v=0\r\n"))
	f.Add([]byte{})
	known := func(err error) bool {
		return errors.Is(err, ErrMalformed) || errors.Is(err, ErrNoAudio) || errors.Is(err, ErrNoCommonCodec)
	}
	f.Fuzz(func(t *testing.T, offer []byte) {
		l := testLocal()
		answer, n, err := Answer(offer, l)
		if _, perr := ParseAnswer(l, offer); perr != nil && !known(perr) {
			t.Fatalf("ParseAnswer: unexpected error %v", perr)
		}
		if err != nil {
			if !known(err) {
				t.Fatalf("Answer: unexpected error %v", err)
			}
			return
		}
		var in, out sdp.SessionDescription
		if err := in.Unmarshal(offer); err != nil {
			t.Fatalf("accepted an offer pion rejects: %v", err)
		}
		if err := out.Unmarshal(answer); err != nil {
			t.Fatalf("answer does not parse: %v\n%s", err, answer)
		}
		if len(out.MediaDescriptions) != len(in.MediaDescriptions) {
			t.Fatalf("answer has %d m= lines, offer %d", len(out.MediaDescriptions), len(in.MediaDescriptions))
		}
		if n.Ptime < minPtime || n.Ptime > maxPtime || !n.Direction.valid() || n.Remote.Port() == 0 {
			t.Fatalf("odd result %+v", n)
		}
	})
}
