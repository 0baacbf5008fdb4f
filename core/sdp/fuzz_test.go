package sdp

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

// FuzzAnswer feeds arbitrary bytes to ReadOffer, ReadOfferVideo, Answer
// (with a plain and with secure Locals, with and without video) and
// ParseAnswer: no panics, only our sentinel errors, every answer we write
// must parse and have one m= line per offered one, and Answer must report
// the transports ReadOffer and ReadOfferVideo read.
func FuzzAnswer(f *testing.F) {
	for _, s := range []string{
		baresipOffer, linphoneOffer, asteriskOffer, videoOffer, holdSendonlyOffer,
		holdZeroOffer, inactiveOffer, unknownCodecsOffer, savpOffer,
		noRtpmapDynamicOffer, ipv6Offer, disabledFirstAudioOffer,
		baresipSRTPMandOffer, baresipSRTPOffer, baresipDTLSOffer, baresipICEOffer,
		baresipDTLSICEOffer, linphoneSRTPOffer, iceLiteOffer, unknownThenSAVPOffer,
		baresipVideoOffer, baresipVideoDTLSOffer, chromeVideoOffer, slidesOffer, slidesReOffer,
	} {
		f.Add(crlf(s))
	}
	f.Add([]byte("v=0\r\n"))
	f.Add([]byte{})
	known := func(err error) bool {
		return errors.Is(err, ErrMalformed) || errors.Is(err, ErrNoAudio) ||
			errors.Is(err, ErrNoCommonCodec) || errors.Is(err, ErrProfileMismatch)
	}
	f.Fuzz(func(t *testing.T, offer []byte) {
		fuzzSecure(t, offer, known)
		fuzzVideo(t, offer, known)
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

// fuzzSecure is FuzzAnswer's part for encrypted and ICE streams.
func fuzzSecure(t *testing.T, offer []byte, known func(error) bool) {
	tr, rerr := ReadOffer(offer)
	if rerr != nil && !known(rerr) {
		t.Fatalf("ReadOffer: unexpected error %v", rerr)
	}
	if rerr == nil {
		vals := append([]string{tr.Profile, tr.Fingerprint, tr.Setup}, tr.Crypto...)
		if tr.ICE != nil {
			vals = append(append(vals, tr.ICE.Ufrag, tr.ICE.Pwd), tr.ICE.Candidates...)
		}
		for _, v := range vals {
			if strings.ContainsAny(v, "\r\n") || v != strings.TrimSpace(v) {
				t.Fatalf("ReadOffer kept %q", v)
			}
		}
		if canonicalProfile(tr.Profile) != tr.Profile {
			t.Fatalf("ReadOffer profile %q", tr.Profile)
		}
	}
	for _, l := range []Local{sdesLocal(), dtlsICELocal()} {
		answer, n, err := Answer(offer, l)
		if _, perr := ParseAnswer(l, offer); perr != nil && !known(perr) {
			t.Fatalf("ParseAnswer: unexpected error %v", perr)
		}
		if err != nil {
			if !known(err) {
				t.Fatalf("Answer: unexpected error %v", err)
			}
			continue
		}
		if rerr != nil {
			t.Fatalf("Answer took an offer ReadOffer refused: %v", rerr)
		}
		var in, out sdp.SessionDescription
		if err := in.Unmarshal(offer); err != nil {
			t.Fatalf("accepted an offer pion rejects: %v", err)
		}
		if err := out.Unmarshal(answer); err != nil {
			t.Fatalf("answer does not parse: %v\n%s", err, answer)
		}
		// The stream taken is ReadOffer's, or a later one when l has no
		// keys for that; either way n.Transport describes it.
		taken := slices.IndexFunc(out.MediaDescriptions, func(m *sdp.MediaDescription) bool { return m.MediaName.Port.Value != 0 })
		if taken < 0 || taken >= len(in.MediaDescriptions) {
			t.Fatalf("no live stream in the answer\n%s", answer)
		}
		want := readTransport(&in, in.MediaDescriptions[taken])
		if !reflect.DeepEqual(n.Transport, want) {
			t.Fatalf("Answer reports %s for a stream that has %s", show(n.Transport), show(want))
		}
		if p := profile(out.MediaDescriptions[taken]); p != want.Profile || answerable(p, l.Transport) != "" {
			t.Fatalf("answer on %s to an offer on %s", p, want.Profile)
		}
		if answerable(tr.Profile, l.Transport) == "" && !reflect.DeepEqual(want, tr) {
			t.Fatalf("Answer passed over %s for %s", show(tr), show(want))
		}
	}
}

// An offer with more media lines than MaxMediaLines, or larger than
// MaxBody, is refused as malformed before pion builds it.
func TestOfferLimits(t *testing.T) {
	head := "v=0\r\no=- 1 1 IN IP4 198.18.0.2\r\ns=-\r\nc=IN IP4 198.18.0.2\r\nt=0 0\r\n"
	line := "m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"
	if _, err := ReadOffer([]byte(head + strings.Repeat(line, MaxMediaLines))); err != nil {
		t.Fatalf("%d media lines refused: %v", MaxMediaLines, err)
	}
	for name, offer := range map[string]string{
		"media lines": head + strings.Repeat(line, MaxMediaLines+1),
		"size":        head + line + strings.Repeat("a=x-filler:0123456789\r\n", MaxBody/20),
	} {
		if _, err := ReadOffer([]byte(offer)); !errors.Is(err, ErrMalformed) {
			t.Errorf("too many %s: %v, want ErrMalformed", name, err)
		}
	}
}
