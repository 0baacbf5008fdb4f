package sdp

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"
)

// answerTo builds an answer from the lines after the c= line.
func answerTo(media string) []byte {
	return crlf("v=0\no=- 8000 8001 IN IP4 198.51.100.20\ns=-\nc=IN IP4 198.51.100.20\nt=0 0\n" + media)
}

func TestParseAnswer(t *testing.T) {
	tests := []struct {
		name           string
		answer         []byte
		codec          string
		pt, recvPT     uint8
		dtmf, recvDTMF uint8
		fmtp           string
		ptime          int
		dir            Direction
		rtcp           netip.AddrPort
	}{
		{
			name: "answerer reorders, echoes our PTs",
			answer: answerTo(`m=audio 30000 RTP/AVP 0 111 101
a=rtpmap:0 PCMU/8000
a=rtpmap:111 opus/48000/2
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
`),
			codec: "PCMU", pt: 0, recvPT: 0, dtmf: 101, recvDTMF: 101, ptime: 20, dir: SendRecv,
			rtcp: netip.MustParseAddrPort("198.51.100.20:30001"),
		},
		{
			name: "answerer renumbers opus and telephone-event",
			answer: answerTo(`m=audio 30000 RTP/AVP 96 110
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1;stereo=0
a=rtpmap:110 telephone-event/48000
a=ptime:60
a=rtcp:30009
`),
			codec: "opus", pt: 96, recvPT: 111, dtmf: 110, recvDTMF: 102, fmtp: "useinbandfec=1;stereo=0", ptime: 60, dir: SendRecv,
			rtcp: netip.MustParseAddrPort("198.51.100.20:30009"),
		},
		{
			name: "no rtpmap for our dynamic PT means our mapping",
			answer: answerTo(`m=audio 30000 RTP/AVP 111 102
a=sendonly
`),
			codec: "opus", pt: 111, recvPT: 111, dtmf: 102, recvDTMF: 102, ptime: 20, dir: RecvOnly,
			rtcp: netip.MustParseAddrPort("198.51.100.20:30001"),
		},
		{
			name: "telephone-event at another rate is not used",
			answer: answerTo(`m=audio 30000 RTP/AVP 9 102
a=rtpmap:9 G722/8000
a=rtpmap:102 telephone-event/48000
a=inactive
`),
			codec: "G722", pt: 9, recvPT: 9, ptime: 20, dir: Inactive,
			rtcp: netip.MustParseAddrPort("198.51.100.20:30001"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseAnswer(testLocal(), tt.answer)
			if err != nil {
				t.Fatal(err)
			}
			if n.Codec.Name != tt.codec || n.Codec.PayloadType != tt.pt || n.RecvPT != tt.recvPT {
				t.Errorf("codec %s PT %d recv %d, want %s %d %d", n.Codec.Name, n.Codec.PayloadType, n.RecvPT, tt.codec, tt.pt, tt.recvPT)
			}
			if n.DTMFPT != tt.dtmf || n.RecvDTMFPT != tt.recvDTMF {
				t.Errorf("DTMF %d/%d, want %d/%d", n.DTMFPT, n.RecvDTMFPT, tt.dtmf, tt.recvDTMF)
			}
			if n.RemoteFmtp != tt.fmtp || n.Ptime != tt.ptime || n.Direction != tt.dir {
				t.Errorf("fmtp %q ptime %d dir %s, want %q %d %s", n.RemoteFmtp, n.Ptime, n.Direction, tt.fmtp, tt.ptime, tt.dir)
			}
			if n.Remote != netip.MustParseAddrPort("198.51.100.20:30000") || n.RemoteRTCP != tt.rtcp {
				t.Errorf("remote %v rtcp %v", n.Remote, n.RemoteRTCP)
			}
			if n.RemoteSession.ID != 8000 || n.RemoteSession.Version != 8001 {
				t.Errorf("remote session %+v", n.RemoteSession)
			}
		})
	}
}

func TestParseAnswerErrors(t *testing.T) {
	tests := []struct {
		name   string
		answer []byte
		want   []error
	}{
		{"rejected", answerTo("m=audio 0 RTP/AVP 0\n"), []error{ErrNoAudio}},
		{"no audio", answerTo("m=video 4000 RTP/AVP 31\n"), []error{ErrNoAudio}},
		{"codec we did not offer", answerTo("m=audio 4000 RTP/AVP 18\n"), []error{ErrNoCommonCodec}},
		{"only telephone-event", answerTo("m=audio 4000 RTP/AVP 101\n"), []error{ErrNoCommonCodec}},
		{"switched to SRTP", answerTo("m=audio 4000 RTP/SAVP 0\n"), []error{ErrProfileMismatch}},
		{"unknown profile", answerTo("m=audio 4000 TCP/RTP/AVP 0\n"), []error{ErrNoAudio, ErrUnsupportedProfile}},
		{"garbage", []byte("SIP/2.0 200 OK\r\n"), []error{ErrMalformed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := ParseAnswer(testLocal(), tt.answer)
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if !reflect.DeepEqual(n, Negotiated{}) {
				t.Errorf("got %+v with an error", n)
			}
		})
	}
}
