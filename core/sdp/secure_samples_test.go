package sdp

// Encrypted and ICE offers, written for these tests in the style of the
// named phones (baresip 1.0 account options in the names); not captures.

const (
	keyA    = "6TLzN7Yoea8hwW3IzTrUNPuCLJOifT5FvINU/ECp"
	keyB    = "oRHJBVEosoCz/5TZV1HmLjZEs7dq8P9xtEqC5tcB"
	keyC    = "n07V9YGOoC5pnlIbSrwRVkM03rXY+rJSStCvCOgf"
	key256A = "HTEmU0KjFU619vXsLndcDrCG+/A4uNPLoynpFPwO2iuOo46FPN3q4a24/gEEJQ=="
	key256B = "t1bJGLVtxJVwH0ZgkO/iQSxR9/rOZXrshVLptF7SeejTn3V9Tv/dka6wUdRxmg=="

	fpA = "F8:67:7B:93:AB:72:3E:81:8E:F6:6A:81:28:B0:C3:6B:59:60:5E:E1:E8:3B:47:B9:E5:33:1B:E4:0E:56:D1:38"
	fpB = "83:61:DC:12:8B:DF:11:EB:C0:9F:DB:FB:93:2E:51:E5:27:A1:7A:BA:D8:CF:A0:EA:E7:7A:82:00:83:97:C3:00"
)

// ;mediaenc=srtp-mand
const baresipSRTPMandOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
m=audio 10002 RTP/SAVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:10003 IN IP4 198.18.0.1
a=sendrecv
a=label:1
a=ssrc:2866291101 cname:9fd1c2a0
a=rtcp-rsize
a=ptime:20
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:` + keyA + `
`

// ;mediaenc=srtp: best effort, RTP/AVP with keys.
const baresipSRTPOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
m=audio 10002 RTP/AVP 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:10003 IN IP4 198.18.0.1
a=sendrecv
a=ptime:20
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:` + keyB + `
`

// ;mediaenc=dtls_srtp with the fingerprint at the session level.
const baresipDTLSOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
a=fingerprint:SHA-256 ` + fpA + `
m=audio 10002 UDP/TLS/RTP/SAVPF 0 8 101
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:10003 IN IP4 198.18.0.1
a=sendrecv
a=rtcp-mux
a=ptime:20
a=setup:actpass
`

// ;medianat=ice with a STUN and a TURN server: credentials at the session
// level, candidates with raddr/rport at the media level.
const baresipICEOffer = `
v=0
o=- 1715698123 1715698124 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
a=ice-ufrag:JQhO5GCD
a=ice-pwd:d7200d9c3ab5b77792c766
m=audio 30000 RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=rtcp:30001 IN IP4 198.18.0.1
a=sendrecv
a=ptime:20
a=candidate:1 1 UDP 2130706431 198.18.0.1 30000 typ host
a=candidate:1 2 UDP 2130706430 198.18.0.1 30001 typ host
a=candidate:2 1 UDP 1694498815 198.19.0.7 41000 typ srflx raddr 198.18.0.1 rport 30000
a=candidate:3 1 UDP 16777215 198.19.0.9 23001 typ relay raddr 198.19.0.7 rport 41000
a=end-of-candidates
`

// ;mediaenc=dtls_srtp;medianat=ice: everything at the media level, where
// it overrides a stale session-level fingerprint and credentials.
const baresipDTLSICEOffer = `
v=0
o=- 1715698123 1715698125 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
a=fingerprint:SHA-256 ` + fpB + `
a=ice-ufrag:stale
a=ice-pwd:stalestalestalestalestale
m=audio 30000 UDP/TLS/RTP/SAVPF 0
a=rtpmap:0 PCMU/8000
a=rtcp-mux
a=rtcp-mux-only
a=setup:actpass
a=fingerprint:SHA-256 ` + fpA + `
a=ice-ufrag:JQhO5GCD
a=ice-pwd:d7200d9c3ab5b77792c766
a=candidate:1 1 UDP 2130706431 198.18.0.1 30000 typ host
`

// Linphone with mandatory SRTP offers several suites, strongest first.
const linphoneSRTPOffer = `
v=0
o=alice 2890 1 IN IP4 198.18.0.5
s=Talk
c=IN IP4 198.18.0.5
t=0 0
m=audio 7078 RTP/SAVP 96 0 8 101
a=rtpmap:96 opus/48000/2
a=fmtp:96 useinbandfec=1
a=rtpmap:101 telephone-event/48000
a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:` + key256A + `
a=crypto:2 AES_256_CM_HMAC_SHA1_32 inline:` + key256B + `
a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:` + keyA + `
a=crypto:4 AES_CM_128_HMAC_SHA1_32 inline:` + keyC + `
`

// An ICE-lite server (an SBC or a conference bridge).
const iceLiteOffer = `
v=0
o=- 9 9 IN IP4 198.18.0.3
s=-
c=IN IP4 198.18.0.3
t=0 0
a=ice-lite
m=audio 20000 RTP/SAVPF 8
a=ice-ufrag:lite
a=ice-pwd:litelitelitelitelitelite
a=candidate:1 1 udp 2130706431 198.18.0.3 20000 typ host
a=rtcp-mux
a=crypto:7 AES_CM_128_HMAC_SHA1_32 inline:` + keyC + `|2^31|1:1
`

// A profile we do not know comes first: the SAVP stream after it is taken.
const unknownThenSAVPOffer = `
v=0
o=- 5 6 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
m=audio 10000 TCP/RTP/AVP 0
m=audio 10002 RTP/SAVP 0
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:` + keyA + `
`

// Encrypted first, plain as the fallback, on two m= lines.
const savpThenAVPOffer = `
v=0
o=- 5 6 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
m=audio 10000 RTP/SAVP 0
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:` + keyA + `
m=audio 10002 RTP/AVP 0
`

// DTLS first, SDES second.
const dtlsThenSAVPOffer = `
v=0
o=- 5 6 IN IP4 198.18.0.1
s=-
c=IN IP4 198.18.0.1
t=0 0
a=fingerprint:sha-256 ` + fpA + `
m=audio 10000 UDP/TLS/RTP/SAVPF 0
a=setup:actpass
m=audio 10002 RTP/SAVP 0
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:` + keyA + `
`
