package sdp

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

// fuzzVideo is FuzzAnswer's part for video streams: Answer must answer
// each offered m=video as n.Video says, and agree with ReadOfferVideo.
func fuzzVideo(t *testing.T, offer []byte, known func(error) bool) {
	vos, rerr := ReadOfferVideo(offer)
	if rerr != nil && !errors.Is(rerr, ErrMalformed) {
		t.Fatalf("ReadOfferVideo: unexpected error %v", rerr)
	}
	l := videoLocal(camera(), slides(h264()))
	l.Video[1].Transport = Transport{Fingerprint: "sha-256 " + fpB, Setup: "active", RTCPMux: true}
	answer, n, err := Answer(offer, l)
	if pn, perr := ParseAnswer(l, offer); perr != nil && !known(perr) {
		t.Fatalf("ParseAnswer: unexpected error %v", perr)
	} else if perr == nil && len(pn.Video) != len(l.Video) {
		t.Fatalf("ParseAnswer: %d video streams for our %d", len(pn.Video), len(l.Video))
	}
	if err != nil {
		if !known(err) {
			t.Fatalf("Answer: unexpected error %v", err)
		}
		return
	}
	if rerr != nil {
		t.Fatalf("Answer took an offer ReadOfferVideo refused: %v", rerr)
	}
	var out sdp.SessionDescription
	if err := out.Unmarshal(answer); err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, answer)
	}
	if len(n.Video) != len(vos) {
		t.Fatalf("%d video streams answered, %d offered", len(n.Video), len(vos))
	}
	used := make(map[int]bool)
	for k, v := range n.Video {
		vo := vos[k]
		if v.Index != vo.Index || v.Index >= len(out.MediaDescriptions) || v.Content != vo.Content {
			t.Fatalf("stream %d: %+v for offered %+v", k, v, vo)
		}
		m := out.MediaDescriptions[v.Index]
		if m.MediaName.Media != "video" || (m.MediaName.Port.Value == 0) != v.Disabled {
			t.Fatalf("stream %d: answered %s port %d, disabled %v", k, m.MediaName.Media, m.MediaName.Port.Value, v.Disabled)
		}
		if v.Local >= 0 && (v.Local >= len(l.Video) || used[v.Local]) {
			t.Fatalf("stream %d: local %d", k, v.Local)
		}
		used[v.Local] = true
		if v.Disabled {
			continue
		}
		if vo.Disabled || v.Local < 0 || !sameContent(vo.Content, l.Video[v.Local].Content) {
			t.Fatalf("stream %d: answered %+v for %+v", k, v, vo)
		}
		if !reflect.DeepEqual(v.Transport, vo.Transport) {
			t.Fatalf("stream %d: Answer reports %s, ReadOfferVideo %s", k, show(v.Transport), show(vo.Transport))
		}
		if strings.Join(m.MediaName.Formats, " ") != itoa(v.RecvPT) || v.Codec.PayloadType != v.RecvPT ||
			!v.Direction.valid() || v.Remote.Port() == 0 {
			t.Fatalf("stream %d: odd result %+v\n%s", k, v, answer)
		}
	}
	// Our own answer read back as if it answered an offer of ours.
	if _, err := ParseAnswer(l, answer); err != nil && !known(err) {
		t.Fatalf("ParseAnswer of our answer: %v", err)
	}
}
