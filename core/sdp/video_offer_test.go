package sdp

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestOfferVideoText(t *testing.T) {
	l := videoLocal(camera(), slides(h264()), VideoLocal{Disabled: true, Codecs: []VideoCodec{vp8(), h264()}})
	l.Codecs = l.Codecs[2:3] // PCMU
	l.DTMF = false
	l.Video[0].MaxBitrate = 1_500_500
	l.Video[1].Direction = SendOnly
	l.Video[1].Feedback = []string{"  CCM   FIR "}
	b, err := Offer(l)
	if err != nil {
		t.Fatal(err)
	}
	want := string(crlf(`
v=0
o=- 3900000001 1 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 40000 RTP/AVP 0
a=rtpmap:0 PCMU/8000
a=ptime:20
a=sendrecv
a=rtcp:40001
m=video 40002 RTP/AVP 96 97
b=TIAS:1500500
b=AS:1501
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=3600;max-fr=30
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42e01f;packetization-mode=1
a=rtcp-fb:* nack
a=rtcp-fb:* nack pli
a=rtcp-fb:* ccm fir
a=sendrecv
a=rtcp:40003
m=video 40004 RTP/AVP 97
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42e01f;packetization-mode=1
a=rtcp-fb:* ccm fir
a=content:slides
a=sendonly
a=rtcp:40005
m=video 0 RTP/AVP 96 97
`))
	if string(b) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", b, want)
	}
	if l.Video[1].Feedback[0] != "  CCM   FIR " {
		t.Errorf("Offer changed the caller's Local: %q", l.Video[1].Feedback)
	}
}

// Each video stream carries its own transport attributes; a=ice-lite is a
// session attribute and must appear once.
func TestOfferVideoTransport(t *testing.T) {
	l := dtlsICELocal()
	l.Transport.ICE.Lite = true
	v := camera(vp8())
	v.Transport = Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpB, Setup: "actpass",
		ICE: &ICE{Ufrag: "VideoUfrag", Pwd: "video+pwd/0123456789abcd", Lite: true}, RTCPMuxOnly: true}
	l.Video = []VideoLocal{v}
	b, err := Offer(l)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	if c := strings.Count(s, "a=ice-lite"); c != 1 {
		t.Errorf("%d a=ice-lite lines\n%s", c, s)
	}
	_, video, ok := strings.Cut(s, "m=video")
	if !ok {
		t.Fatalf("no video\n%s", s)
	}
	for _, w := range []string{" 40002 UDP/TLS/RTP/SAVPF 96\r\n", "a=ice-ufrag:VideoUfrag\r\n", "a=rtcp-mux\r\n",
		"a=rtcp-mux-only\r\n", "a=rtcp:40002\r\n", "a=fingerprint:sha-256 " + fpB + "\r\n", "a=setup:actpass\r\n"} {
		if !strings.Contains(video, w) {
			t.Errorf("video section lacks %q\n%s", w, s)
		}
	}
	if strings.Contains(video, "OurUfrag") {
		t.Errorf("audio ICE in the video section\n%s", s)
	}
}

func TestOfferVideoInvalid(t *testing.T) {
	bad := func(f func(*VideoLocal)) Local {
		v := camera()
		f(&v)
		return videoLocal(v)
	}
	tests := map[string]Local{
		"port 0":          bad(func(v *VideoLocal) { v.RTPPort = 0 }),
		"port 65535":      bad(func(v *VideoLocal) { v.RTPPort = 65535 }),
		"no codecs":       bad(func(v *VideoLocal) { v.Codecs = nil }),
		"disabled, none":  bad(func(v *VideoLocal) { v.Disabled, v.RTPPort, v.Codecs = true, 0, nil }),
		"PT twice":        bad(func(v *VideoLocal) { v.Codecs[1].PayloadType = 96 }),
		"PT 128":          bad(func(v *VideoLocal) { v.Codecs[0].PayloadType = 128 }),
		"name with slash": bad(func(v *VideoLocal) { v.Codecs[0].Name = "VP8/90000" }),
		"fmtp with CRLF":  bad(func(v *VideoLocal) { v.Codecs[0].Fmtp = "max-fs=1\r\na=x" }),
		"direction":       bad(func(v *VideoLocal) { v.Direction = "both" }),
		"content blank":   bad(func(v *VideoLocal) { v.Content = "main slides" }),
		"feedback empty":  bad(func(v *VideoLocal) { v.Feedback = []string{" "} }),
		"bitrate":         bad(func(v *VideoLocal) { v.MaxBitrate = -1 }),
		"transport":       bad(func(v *VideoLocal) { v.Transport.Setup = "both" }),
	}
	for name, l := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Offer(l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Offer: %v", err)
			}
			if _, _, err := Answer(crlf(baresipVideoOffer), l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Answer: %v", err)
			}
			if _, err := ParseAnswer(l, crlf(baresipVideoOffer)); !errors.Is(err, errInvalidLocal) {
				t.Errorf("ParseAnswer: %v", err)
			}
		})
	}
	ok := videoLocal(VideoLocal{Disabled: true, Codecs: []VideoCodec{vp8()}})
	if _, err := Offer(ok); err != nil {
		t.Errorf("disabled stream on port 0: %v", err)
	}
}

func TestReadOfferVideo(t *testing.T) {
	tests := []struct {
		name  string
		offer string
		want  []VideoOffer
	}{
		{"audio only", baresipOffer, nil},
		{"baresip", baresipVideoOffer, []VideoOffer{{Index: 1, Transport: Transport{Profile: ProfileAVP}}}},
		{"baresip DTLS, session-level fingerprint", baresipVideoDTLSOffer, []VideoOffer{{Index: 1,
			Transport: Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpA, Setup: "actpass", RTCPMux: true}}}},
		{"slides", slidesOffer, []VideoOffer{
			{Index: 1, Content: "main", Transport: Transport{Profile: ProfileAVP}},
			{Index: 2, Content: "slides", Transport: Transport{Profile: ProfileAVP}}}},
		{"re-offer without the camera", slidesReOffer, []VideoOffer{
			{Index: 1, Disabled: true, Transport: Transport{Profile: ProfileAVP}},
			{Index: 2, Content: "slides", Transport: Transport{Profile: ProfileAVP}}}},
		{"video first, unknown profile second", videoOffer + "m=video 5000 TCP/RTP/AVP 96\n", []VideoOffer{
			{Index: 0, Transport: Transport{Profile: ProfileAVP}},
			{Index: 2, Disabled: true, Transport: Transport{Profile: "TCP/RTP/AVP"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadOfferVideo(crlf(tt.offer))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}
	if _, err := ReadOfferVideo([]byte("v=0\r\n")); !errors.Is(err, ErrMalformed) {
		t.Errorf("lone v=: %v", err)
	}
}
