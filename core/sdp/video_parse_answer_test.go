package sdp

import "testing"

func TestParseAnswerVideo(t *testing.T) {
	const audio = "m=audio 30000 RTP/AVP 0\n"
	cam := vwant{index: 1, local: 0, codec: "VP8", pt: 96, recv: 96, fb: Feedback{NACK: true, PLI: true}, dir: SendRecv,
		remote: mustAP("198.51.100.20:30002"), rtcp: mustAP("198.51.100.20:30003"), maxFS: 3600, remoteFmtpStart: "max-fs=3600"}
	shared := vwant{index: 2, local: 1, content: "slides", codec: "H264", pt: 97, recv: 97, fb: Feedback{FIR: true},
		dir: RecvOnly, remote: mustAP("198.51.100.20:30004"), rtcp: mustAP("198.51.100.20:30005"),
		remoteFmtpStart: "packetization-mode=1"}
	off := func(index, local int, content string) vwant {
		return vwant{index: index, local: local, disabled: true, content: content}
	}
	offSlides := off(2, 1, "slides")
	tests := []struct {
		name   string
		local  Local
		answer string
		want   []vwant
	}{
		{"both taken", videoLocal(camera(), slides()), audio + `m=video 30002 RTP/AVP 96
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=3600
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
m=video 30004 RTP/AVP 97
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1;profile-level-id=42e01f
a=rtcp-fb:* ccm fir
a=rtcp-fb:* goog-remb
a=content:slides
a=sendonly
`, []vwant{cam, shared}},
		{"renumbered, reordered, limits", videoLocal(camera()), audio + `m=video 30002 RTP/AVP 120 100
c=IN IP4 198.51.100.21
b=AS:300
a=rtpmap:100 VP8/90000
a=rtpmap:120 H264/90000
a=fmtp:120 packetization-mode=1;profile-level-id=42c01f;max-fs=1200
a=imageattr:120 send * recv [x=[160,320,640],y=[120,240,480]]
a=rtcp:30009
a=inactive
`, []vwant{{index: 1, codec: "H264", pt: 120, recv: 97, dir: Inactive,
			remote: mustAP("198.51.100.21:30002"), rtcp: mustAP("198.51.100.21:30009"), bitrate: 300_000, w: 640, h: 480,
			maxFS: 1200, remoteFmtpStart: "packetization-mode=1"}}},
		{"PT without rtpmap is ours", videoLocal(camera()), audio + "m=video 30002 RTP/AVP 96\n",
			[]vwant{func() vwant { w := cam; w.fb, w.remoteFmtpStart, w.maxFS = Feedback{}, "", 0; return w }()}},
		{"video rejected", videoLocal(camera(), slides()), audio + "m=video 0 RTP/AVP 96 97\nm=video 0 RTP/AVP 97\n",
			[]vwant{off(1, 0, ""), offSlides}},
		{"old phone answers the audio only", videoLocal(camera(), slides()), audio, []vwant{off(1, 0, ""), offSlides}},
		{"H.264 in mode 0 is none of ours", videoLocal(camera(h264())), audio + `m=video 30002 RTP/AVP 97
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42e01f
`, []vwant{off(1, 0, "")}},
		{"AVPF to our AVP", videoLocal(camera()), audio + "m=video 30002 RTP/AVPF 96\n", []vwant{off(1, 0, "")}},
		{"another profile", videoLocal(camera()), audio + "m=video 30002 RTP/SAVP 96\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + keyA + "\n",
			[]vwant{off(1, 0, "")}},
		{"audio where our video was", videoLocal(camera()), audio + "m=audio 30002 RTP/AVP 96\na=rtpmap:96 VP8/90000\n",
			[]vwant{off(1, 0, "")}},
		{"our stream disabled", videoLocal(func() VideoLocal { v := camera(); v.Disabled = true; return v }()),
			audio + "m=video 30002 RTP/AVP 96\n", []vwant{off(1, 0, "")}},
		{"no video offered", videoLocal(), audio + "m=video 30002 RTP/AVP 96\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseAnswer(tt.local, answerTo(tt.answer))
			if err != nil {
				t.Fatalf("ParseAnswer: %v", err)
			}
			if n.Codec.Name != "PCMU" {
				t.Errorf("audio codec %s", n.Codec.Name)
			}
			if len(n.Video) != len(tt.want) {
				t.Fatalf("%d video streams, want %d: %+v", len(n.Video), len(tt.want), n.Video)
			}
			for i, w := range tt.want {
				w.check(t, n.Video[i])
			}
		})
	}
}
