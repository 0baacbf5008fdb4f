package sdp

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

// vwant is what a test expects of one VideoNegotiated.
type vwant struct {
	index, local    int
	disabled        bool
	content         string
	codec           string
	pt, recv        uint8
	fb              Feedback
	dir             Direction
	remote, rtcp    netip.AddrPort
	bitrate, w, h   int
	maxFS, maxFR    int
	remoteFmtpStart string
}

func (w vwant) String() string {
	return fmt.Sprintf("#%d local %d off %v %q %s %d/%d fb %+v %s to %v/%v %d bit/s %dx%d fs %d fr %d fmtp %q",
		w.index, w.local, w.disabled, w.content, w.codec, w.pt, w.recv, w.fb, w.dir, w.remote, w.rtcp,
		w.bitrate, w.w, w.h, w.maxFS, w.maxFR, w.remoteFmtpStart)
}

func (w vwant) check(t *testing.T, got VideoNegotiated) {
	t.Helper()
	if w.disabled {
		want := VideoNegotiated{Index: w.index, Local: w.local, Disabled: true, Content: w.content}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("got  %+v\nwant %+v", got, want)
		}
		return
	}
	g := vwant{
		index: got.Index, local: got.Local, disabled: got.Disabled, content: got.Content,
		codec: got.Codec.Name, pt: got.Codec.PayloadType, recv: got.RecvPT, fb: got.Feedback, dir: got.Direction,
		remote: got.Remote, rtcp: got.RemoteRTCP, bitrate: got.MaxBitrate, w: got.MaxWidth, h: got.MaxHeight,
		maxFS: got.MaxFS, maxFR: got.MaxFR, remoteFmtpStart: w.remoteFmtpStart,
	}
	if !strings.HasPrefix(got.RemoteFmtp, w.remoteFmtpStart) {
		g.remoteFmtpStart = got.RemoteFmtp
	}
	if g != w {
		t.Errorf("got  %v\nwant %v", g, w)
	}
}

func TestAnswerVideo(t *testing.T) {
	pli, fir := Feedback{PLI: true}, Feedback{FIR: true}
	all3 := Feedback{NACK: true, PLI: true, FIR: true}
	withDir := func(v VideoLocal, d Direction) VideoLocal { v.Direction = d; return v }
	disabled := func(v VideoLocal) VideoLocal { v.Disabled, v.RTPPort = true, 0; return v }
	remb := camera()
	remb.Feedback = append(remb.Feedback, FeedbackREMB, FeedbackTransportCC)
	baresip := vwant{index: 1, codec: "VP8", pt: 96, recv: 96, fb: pli, dir: SendRecv,
		remote: mustAP("198.51.100.7:10004"), rtcp: mustAP("198.51.100.7:10005"), bitrate: 500_000, maxFS: 3600,
		remoteFmtpStart: "max-fs=3600"}
	chromeH264 := vwant{index: 1, codec: "H264", pt: 99, recv: 99, fb: all3, dir: SendOnly,
		remote: mustAP("203.0.113.6:9078"), rtcp: mustAP("203.0.113.6:9079"), bitrate: 1_500_000, w: 1280, h: 720,
		remoteFmtpStart: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"}
	chromeVP8 := chromeH264
	chromeVP8.codec, chromeVP8.pt, chromeVP8.recv, chromeVP8.maxFS, chromeVP8.maxFR = "VP8", 96, 96, 8160, 30
	chromeVP8.remoteFmtpStart = "max-fs=8160"
	chromeREMB := chromeVP8
	chromeREMB.fb = Feedback{NACK: true, PLI: true, FIR: true, REMB: true, TransportCC: true}
	main := vwant{index: 1, codec: "VP8", pt: 96, recv: 96, content: "main", fb: Feedback{NACK: true, PLI: true},
		dir: SendRecv, remote: mustAP("192.0.2.60:20002"), rtcp: mustAP("192.0.2.60:20003")}
	shared := vwant{index: 2, local: 1, codec: "H264", pt: 97, recv: 97, content: "slides", fb: fir,
		dir: RecvOnly, remote: mustAP("192.0.2.60:20004"), rtcp: mustAP("192.0.2.60:20005"),
		remoteFmtpStart: "packetization-mode=1"}
	mainH264 := main
	mainH264.codec, mainH264.pt, mainH264.recv, mainH264.remoteFmtpStart = "H264", 97, 97, "packetization-mode=1;profile-level-id=4de01f"
	at := func(w vwant, local int) vwant { w.local = local; return w }
	off := func(index, local int, content string) vwant {
		return vwant{index: index, local: local, disabled: true, content: content}
	}
	tests := []struct {
		name  string
		offer string
		local Local
		ports []int // of the answer's m= lines
		want  []vwant
	}{
		{"baresip VP8, nack pli only", baresipVideoOffer, videoLocal(camera()), []int{40000, 40002}, []vwant{baresip}},
		{"baresip, we have no video", baresipVideoOffer, videoLocal(), []int{40000, 0}, []vwant{off(1, -1, "")}},
		{"baresip, we have H.264 only", baresipVideoOffer, videoLocal(camera(h264())), []int{40000, 0}, []vwant{off(1, -1, "")}},
		{"baresip, our camera is off", baresipVideoOffer, videoLocal(disabled(camera())), []int{40000, 0}, []vwant{off(1, 0, "")}},
		{"baresip, we only receive", baresipVideoOffer, videoLocal(withDir(camera(), RecvOnly)), []int{40000, 40002},
			[]vwant{func() vwant { w := baresip; w.dir = RecvOnly; return w }()}},
		{"chrome, we prefer H.264: mode 1 and baseline", chromeVideoOffer, videoLocal(camera(h264(), vp8())), []int{40000, 40002}, []vwant{chromeH264}},
		{"chrome, we prefer VP8", chromeVideoOffer, videoLocal(camera()), []int{40000, 40002}, []vwant{chromeVP8}},
		{"chrome, with REMB and transport-cc", chromeVideoOffer, videoLocal(remb), []int{40000, 40002}, []vwant{chromeREMB}},
		{"camera and slides", slidesOffer, videoLocal(camera(), slides()), []int{40000, 40002, 40004},
			[]vwant{main, shared}},
		{"paired by content, not order", slidesOffer, videoLocal(slides(), camera(h264())), []int{40000, 40002, 40004},
			[]vwant{at(mainH264, 1), at(shared, 0)}},
		{"no slides stream of ours", slidesOffer, videoLocal(camera(), camera()), []int{40000, 40002, 0},
			[]vwant{main, off(2, -1, "slides")}},
		{"slides only", slidesOffer, videoLocal(slides()), []int{40000, 0, 40004},
			[]vwant{off(1, -1, "main"), at(shared, 0)}},
		{"re-offer drops the camera", slidesReOffer, videoLocal(camera(), slides()), []int{40000, 0, 40004},
			[]vwant{off(1, -1, ""), func() vwant { w := shared; w.fb = Feedback{}; return w }()}},
		{"a local without a common codec leaves room for the next", baresipVideoOffer,
			videoLocal(camera(h264()), camera()), []int{40000, 40002}, []vwant{at(baresip, 1)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, n, err := Answer(crlf(tt.offer), tt.local)
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			if len(n.Video) != len(tt.want) {
				t.Fatalf("%d video streams, want %d: %+v", len(n.Video), len(tt.want), n.Video)
			}
			for i, w := range tt.want {
				w.check(t, n.Video[i])
			}
			checkVideoAnswer(t, b, n, tt.local, tt.ports)
		})
	}
}

// checkVideoAnswer parses our own answer and checks its video sections say
// what n.Video says.
func checkVideoAnswer(t *testing.T, b []byte, n Negotiated, l Local, ports []int) {
	t.Helper()
	var s sdp.SessionDescription
	if err := s.Unmarshal(b); err != nil {
		t.Fatalf("answer does not parse: %v\n%s", err, b)
	}
	got := make([]int, len(s.MediaDescriptions))
	for i, m := range s.MediaDescriptions {
		got[i] = m.MediaName.Port.Value
	}
	if !slices.Equal(got, ports) {
		t.Errorf("answer ports %v, want %v\n%s", got, ports, b)
	}
	for _, v := range n.Video {
		m := s.MediaDescriptions[v.Index]
		if v.Disabled {
			if m.MediaName.Port.Value != 0 || len(m.Attributes) != 0 {
				t.Errorf("stream %d rejected with port %d and %d attributes", v.Index, m.MediaName.Port.Value, len(m.Attributes))
			}
			continue
		}
		ours := l.Video[v.Local]
		pt := itoa(v.RecvPT)
		if m.MediaName.Port.Value != ours.RTPPort || strings.Join(m.MediaName.Formats, " ") != pt {
			t.Errorf("stream %d: m= port %d formats %v", v.Index, m.MediaName.Port.Value, m.MediaName.Formats)
		}
		if !hasAttr(m, "rtpmap", pt+" "+v.Codec.Name+"/90000") || !hasAttr(m, string(v.Direction), "") {
			t.Errorf("stream %d: rtpmap or direction missing\n%s", v.Index, b)
		}
		if (ours.Content != "") != hasAttr(m, "content", ours.Content) {
			t.Errorf("stream %d: a=content wrong\n%s", v.Index, b)
		}
		var fb []string
		for _, a := range m.Attributes {
			if a.Key == "rtcp-fb" {
				id, rest, _ := strings.Cut(a.Value, " ")
				if id != pt {
					t.Errorf("stream %d: a=rtcp-fb:%s", v.Index, a.Value)
				}
				fb = append(fb, rest)
			}
		}
		if feedbackOf(fb) != v.Feedback || len(fb) != len(commonFeedback(fb, ours.Feedback)) {
			t.Errorf("stream %d: answer's feedback %q, negotiated %+v", v.Index, fb, v.Feedback)
		}
	}
}

func TestAnswerVideoText(t *testing.T) {
	v := camera()
	v.MaxBitrate = 800_000
	b, _, err := Answer(crlf(baresipVideoOffer), videoLocal(v))
	if err != nil {
		t.Fatal(err)
	}
	want := string(crlf(`
v=0
o=- 3900000001 1 IN IP4 192.0.2.10
s=-
c=IN IP4 192.0.2.10
t=0 0
m=audio 40000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:20
a=sendrecv
a=rtcp:40001
m=video 40002 RTP/AVP 96
b=TIAS:800000
b=AS:800
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=3600;max-fr=30
a=rtcp-fb:96 nack pli
a=sendrecv
a=rtcp:40003
`))
	if string(b) != want {
		t.Errorf("answer:\n%s\nwant:\n%s", b, want)
	}
}

// Encrypted video: each stream answers with its own keys, or is rejected
// when it has none for the offered profile while the audio goes on.
func TestAnswerVideoDTLS(t *testing.T) {
	dtls := Transport{Fingerprint: "sha-256 " + fpB, Setup: "active", RTCPMux: true}
	l := videoLocal(camera())
	l.Transport = dtls
	l.Video[0].Transport = dtls
	b, n, err := Answer(crlf(baresipVideoDTLSOffer), l)
	if err != nil {
		t.Fatal(err)
	}
	v := n.Video[0]
	if v.Disabled || v.RemoteRTCP != v.Remote || v.Remote != mustAP("198.18.0.1:10004") {
		t.Errorf("video %+v", v)
	}
	want := Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpA, Setup: "actpass", RTCPMux: true}
	if show(v.Transport) != show(want) {
		t.Errorf("video transport %s, want %s", show(v.Transport), show(want))
	}
	_, video, _ := strings.Cut(string(b), "m=video")
	for _, w := range []string{" 40002 UDP/TLS/RTP/SAVPF 96\r\n", "a=rtcp-mux\r\n", "a=rtcp:40002\r\n", "a=setup:active\r\n", fpB} {
		if !strings.Contains(video, w) {
			t.Errorf("video section lacks %q\n%s", w, b)
		}
	}

	l.Video[0].Transport = Transport{Fingerprint: "sha-256 " + fpB, Setup: "passive"}
	b, n, err = Answer(crlf(baresipVideoDTLSOffer), l)
	if err != nil {
		t.Fatal(err)
	}
	_, video, _ = strings.Cut(string(b), "m=video")
	if n.Video[0].RemoteRTCP != mustAP("198.18.0.1:10005") || strings.Contains(video, "rtcp-mux") ||
		!strings.Contains(video, "a=rtcp:40003\r\n") {
		t.Errorf("we declined rtcp-mux, yet RTCP goes to %v\n%s", n.Video[0].RemoteRTCP, b)
	}

	l.Video[0].Transport = Transport{}
	b, n, err = Answer(crlf(baresipVideoDTLSOffer), l)
	if err != nil {
		t.Fatal(err)
	}
	if !n.Video[0].Disabled || n.Video[0].Local != -1 || !strings.Contains(string(b), "m=video 0 UDP/TLS/RTP/SAVPF 96\r\n") {
		t.Errorf("plain video local answered DTLS video: %+v\n%s", n.Video[0], b)
	}
}
