package sdp

import "net/netip"

// Video offers, written for these tests in the style of the named phones
// (baresip 1.0 with vp8.so, see /work/shared/README.md); not captures.

// ;video_codecs=vp8: VP8 only, nack and pli for every PT, no ccm fir.
const baresipVideoOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:10003 IN IP4 198.51.100.7
a=sendrecv
a=ptime:20
m=video 10004 RTP/AVP 96
b=AS:500
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=3600
a=rtcp-fb:* nack pli
a=rtcp:10005 IN IP4 198.51.100.7
a=sendrecv
`

// ;mediaenc=dtls_srtp: both m= lines on SAVPF, one certificate for both.
const baresipVideoDTLSOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
a=fingerprint:sha-256 ` + fpA + `
a=setup:actpass
m=audio 10002 UDP/TLS/RTP/SAVPF 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=rtcp-mux
a=sendrecv
m=video 10004 UDP/TLS/RTP/SAVPF 96
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=3600
a=rtcp-fb:* nack pli
a=rtcp-mux
a=sendrecv
`

// Linphone / Chrome style: VP8 and several H.264 formats, of which only
// PT 99 is packetization-mode 1 with a Constrained Baseline profile;
// feedback per PT, an imageattr and an RTX format we do not know.
const chromeVideoOffer = `
v=0
o=- 4611731400430051336 2 IN IP4 203.0.113.5
s=-
c=IN IP4 203.0.113.5
t=0 0
m=audio 7078 RTP/AVPF 111 0
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:0 PCMU/8000
m=video 9078 RTP/AVPF 96 97 98 99 100 35
c=IN IP4 203.0.113.6
b=AS:2000
b=TIAS:1500000
a=rtpmap:96 VP8/90000
a=fmtp:96 max-fs=8160;max-fr=30
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 H264/90000
a=fmtp:97 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
a=rtpmap:98 H264/90000
a=fmtp:98 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=640c1f
a=rtpmap:99 h264/90000
a=fmtp:99 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtcp-fb:99 nack
a=rtcp-fb:99 nack pli
a=rtcp-fb:99 ccm fir
a=rtpmap:100 rtx/90000
a=fmtp:100 apt=96
a=rtpmap:35 AV1/90000
a=imageattr:* recv [x=[320:16:1280],y=[240:16:720]] send [x=1920,y=1080]
a=imageattr:99 recv [x=640,y=480,q=0.5] [x=800,y=600]
a=rtcp:9079
a=recvonly
`

// A camera and a slides stream (RFC 4796), the slides sendonly.
const slidesOffer = `
v=0
o=- 77 1 IN IP4 192.0.2.60
s=-
c=IN IP4 192.0.2.60
t=0 0
m=audio 20000 RTP/AVP 0
m=video 20002 RTP/AVP 96 97
a=rtpmap:96 VP8/90000
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1;profile-level-id=4de01f
a=rtcp-fb:* nack
a=rtcp-fb:* nack pli
a=content:main
m=video 20004 RTP/AVP 97
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1
a=rtcp-fb:97 ccm fir
a=content:slides
a=sendonly
`

// A re-offer of slidesOffer that drops the camera: its m= line stays,
// port 0.
const slidesReOffer = `
v=0
o=- 77 2 IN IP4 192.0.2.60
s=-
c=IN IP4 192.0.2.60
t=0 0
m=audio 20000 RTP/AVP 0
m=video 0 RTP/AVP 96 97
m=video 20004 RTP/AVP 97
a=rtpmap:97 H264/90000
a=fmtp:97 packetization-mode=1
a=content:slides
a=sendonly
`

// Test video codecs as the codec packages describe them.
func vp8() VideoCodec { return VideoCodec{Name: "VP8", PayloadType: 96, Fmtp: "max-fs=3600;max-fr=30"} }
func h264() VideoCodec {
	return VideoCodec{Name: "H264", PayloadType: 97, Fmtp: "profile-level-id=42e01f;packetization-mode=1"}
}

// camera is a main video stream of ours, on port 40002.
func camera(cs ...VideoCodec) VideoLocal {
	if len(cs) == 0 {
		cs = []VideoCodec{vp8(), h264()}
	}
	return VideoLocal{RTPPort: 40002, Codecs: cs, Feedback: []string{FeedbackNACK, FeedbackPLI, FeedbackFIR}}
}

// slides is a slides stream of ours, on port 40004.
func slides(cs ...VideoCodec) VideoLocal {
	v := camera(cs...)
	v.RTPPort, v.Content = 40004, ContentSlides
	return v
}

// videoLocal is testLocal with video streams.
func videoLocal(vs ...VideoLocal) Local {
	l := testLocal()
	l.Video = vs
	return l
}

var mustAP = netip.MustParseAddrPort
