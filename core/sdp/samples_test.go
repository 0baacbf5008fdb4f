package sdp

import (
	"net/netip"
	"strings"

	"github.com/softphone/softphone/core/codec"
)

// Test codecs as core/codec describes them.
func opus() codec.Info {
	return codec.Info{Name: "opus", ClockRate: 48000, SampleRate: 48000, Channels: 2, PayloadType: 111, Fmtp: "minptime=10;useinbandfec=1"}
}
func g722() codec.Info {
	return codec.Info{Name: "G722", ClockRate: 8000, SampleRate: 16000, Channels: 1, PayloadType: 9}
}
func pcmu() codec.Info {
	return codec.Info{Name: "PCMU", ClockRate: 8000, SampleRate: 8000, Channels: 1, PayloadType: 0}
}
func pcma() codec.Info {
	return codec.Info{Name: "PCMA", ClockRate: 8000, SampleRate: 8000, Channels: 1, PayloadType: 8}
}

func testLocal(cs ...codec.Info) Local {
	if len(cs) == 0 {
		cs = []codec.Info{opus(), g722(), pcmu(), pcma()}
	}
	return Local{
		Addr:      netip.MustParseAddr("192.0.2.10"),
		RTPPort:   40000,
		Codecs:    cs,
		DTMF:      true,
		SessionID: 3900000001,
		Version:   1,
	}
}

// crlf turns a readable sample into wire SDP.
func crlf(s string) []byte {
	return []byte(strings.ReplaceAll(strings.TrimLeft(s, "\n"), "\n", "\r\n"))
}

// The samples below are written for these tests in the style of the
// named phones; they are not captures.

const baresipOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/AVP 111 9 0 8 101
b=AS:128
a=rtpmap:111 opus/48000/2
a=fmtp:111 stereo=1;sprop-stereo=1
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:10003 IN IP4 198.51.100.7
a=sendrecv
a=label:1
a=ssrc:2866291101 cname:9fd1c2a0
a=rtcp-rsize
a=ptime:20
`

const linphoneOffer = `
v=0
o=alice 2890 1 IN IP4 203.0.113.5
s=Talk
c=IN IP4 203.0.113.5
t=0 0
a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
m=audio 7078 RTP/AVP 96 97 98 0 8 101 100
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:97 speex/16000
a=fmtp:97 vbr=on
a=rtpmap:98 speex/8000
a=fmtp:98 vbr=on
a=rtpmap:101 telephone-event/48000
a=rtpmap:100 telephone-event/8000
a=rtcp-fb:* trr-int 1000
a=rtcp-fb:* ccm tmmbr
`

const asteriskOffer = `
v=0
o=- 1234567 1234567 IN IP4 192.0.2.50
s=Asterisk
c=IN IP4 192.0.2.50
t=0 0
m=audio 17852 RTP/AVP 0 8 101
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-16
a=ptime:30
a=maxptime:150
a=sendrecv
`

// Video first, and the audio stream has its own c= line.
const videoOffer = `
v=0
o=bob 42 7 IN IP4 203.0.113.9
s=-
c=IN IP4 203.0.113.9
t=0 0
m=video 9078 RTP/AVP 96 97
a=rtpmap:96 VP8/90000
a=rtpmap:97 H264/90000
a=fmtp:97 profile-level-id=42801F
m=audio 7078 RTP/AVP 8 0
c=IN IP4 203.0.113.77
a=sendrecv
`

const holdSendonlyOffer = `
v=0
o=- 1715698123 1715698125 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=sendonly
`

// RFC 2543 style hold: the connection address is zeroed.
const holdZeroOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 0.0.0.0
t=0 0
m=audio 10002 RTP/AVP 8
`

const inactiveOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
a=inactive
m=audio 10002 RTP/AVP 9
`

const unknownCodecsOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/AVP 18 3 97
a=rtpmap:18 G729/8000
a=fmtp:18 annexb=no
a=rtpmap:97 speex/16000
`

// SRTP with SDES keys; we do not do SRTP yet.
const savpOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/SAVP 0 8
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR
`

// PT 111 has no rtpmap, so it must not be taken for opus.
const noRtpmapDynamicOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 10002 RTP/AVP 111 8
`

const ipv6Offer = `
v=0
o=- 5 6 IN IP6 2001:db8::5
s=-
c=IN IP6 2001:db8::5
t=0 0
m=audio 20000 RTP/AVP 107 101
a=rtpmap:107 OPUS/48000/2
a=rtpmap:101 telephone-event/48000
a=fmtp:101 0-15
a=rtcp:20011 IN IP6 2001:db8::6
a=ptime:30
`

// The first audio stream is disabled; the second one is live.
const disabledFirstAudioOffer = `
v=0
o=- 5 6 IN IP4 198.51.100.7
s=-
c=IN IP4 198.51.100.7
t=0 0
m=audio 0 RTP/AVP 0
m=audio 10004 RTP/AVP 9 0
a=recvonly
`
