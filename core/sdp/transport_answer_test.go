package sdp

import (
	"errors"
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/pion/sdp/v3"
)

// ourICE is the ICE part a caller of ours would fill in.
func ourICE() *ICE {
	return &ICE{Ufrag: "OurUfrag", Pwd: "our+pwd/0123456789abcdef",
		Candidates: []string{
			"1 1 udp 2130706431 192.0.2.10 40000 typ host",
			"2 1 udp 1694498815 198.19.0.20 50000 typ srflx raddr 192.0.2.10 rport 40000",
		}, EndOfCandidates: true}
}

func sdesLocal() Local {
	l := testLocal()
	l.Transport = Transport{Profile: ProfileSAVP, Crypto: []string{cryptoC}}
	return l
}

func dtlsICELocal() Local {
	l := testLocal()
	l.Transport = Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpB, Setup: "actpass",
		ICE: ourICE(), RTCPMux: true}
	return l
}

func withTransport(l Local, t Transport) Local { l.Transport = t; return l }

func TestAnswerSecure(t *testing.T) {
	dtlsActive := Transport{Fingerprint: "sha-256 " + fpB, Setup: "active", RTCPMux: true}
	tests := []struct {
		name  string
		offer string
		local Local
		mline string   // the answer's live m= line
		want  []string // lines the answer has
		not   []string // substrings it must not have
		rtcp  netip.AddrPort
		ports []int      // m= ports of the answer when not just 40000
		seen  *Transport // n.Transport when not ReadOffer's
	}{
		{
			name: "srtp-mand with our key", offer: baresipSRTPMandOffer, local: sdesLocal(),
			mline: "m=audio 40000 RTP/SAVP 0 101", want: []string{"a=crypto:" + cryptoC, "a=rtcp:40001"},
			not: []string{"fingerprint", "rtcp-mux", "ice-"}, rtcp: netip.MustParseAddrPort("198.18.0.1:10003"),
		},
		{
			name: "srtp best effort, plain answerer stays plain", offer: baresipSRTPOffer, local: testLocal(),
			mline: "m=audio 40000 RTP/AVP 0 101", not: []string{"crypto"}, rtcp: netip.MustParseAddrPort("198.18.0.1:10003"),
		},
		{
			name: "srtp best effort, answered with a key", offer: baresipSRTPOffer, local: sdesLocal(),
			mline: "m=audio 40000 RTP/AVP 0 101", want: []string{"a=crypto:" + cryptoC}, rtcp: netip.MustParseAddrPort("198.18.0.1:10003"),
		},
		{
			name: "dtls with rtcp-mux on both sides", offer: baresipDTLSOffer, local: withTransport(testLocal(), dtlsActive),
			mline: "m=audio 40000 UDP/TLS/RTP/SAVPF 0 101",
			want:  []string{"a=fingerprint:sha-256 " + fpB, "a=setup:active", "a=rtcp-mux", "a=rtcp:40000"},
			not:   []string{"crypto", "a=rtcp:40001", "rtcp-mux-only"},
			rtcp:  netip.MustParseAddrPort("198.18.0.1:10002"),
		},
		{
			name: "dtls, we decline rtcp-mux", offer: baresipDTLSOffer,
			local: withTransport(testLocal(), Transport{Fingerprint: "sha-256 " + fpB, Setup: "passive"}),
			mline: "m=audio 40000 UDP/TLS/RTP/SAVPF 0 101", want: []string{"a=setup:passive", "a=rtcp:40001"},
			not: []string{"rtcp-mux"}, rtcp: netip.MustParseAddrPort("198.18.0.1:10003"),
		},
		{
			name: "rtcp-mux-only offered: we mux, but only offers say mux-only", offer: baresipDTLSICEOffer,
			local: withTransport(testLocal(), Transport{Fingerprint: "sha-256 " + fpB, Setup: "active", RTCPMuxOnly: true, ICE: ourICE()}),
			mline: "m=audio 40000 UDP/TLS/RTP/SAVPF 0",
			want: []string{"a=rtcp-mux", "a=rtcp:40000", "a=ice-ufrag:OurUfrag", "a=ice-pwd:our+pwd/0123456789abcdef",
				"a=candidate:" + ourICE().Candidates[0], "a=candidate:" + ourICE().Candidates[1], "a=end-of-candidates"},
			not: []string{"rtcp-mux-only", "ice-lite"}, rtcp: netip.MustParseAddrPort("198.18.0.1:30000"),
		},
		{
			name: "ice, plain media, our profile ignored", offer: baresipICEOffer,
			local: withTransport(testLocal(), Transport{Profile: ProfileSAVPF, ICE: ourICE(), RTCPMux: true}),
			mline: "m=audio 40000 RTP/AVP 0 101", want: []string{"a=ice-ufrag:OurUfrag", "a=rtcp:40001"},
			not: []string{"rtcp-mux", "SAVPF"}, rtcp: netip.MustParseAddrPort("198.18.0.1:30001"),
		},
		{
			name: "ice-lite peer, we are full ICE", offer: iceLiteOffer,
			local: withTransport(testLocal(), Transport{Crypto: []string{cryptoC}, ICE: ourICE(), RTCPMux: true}),
			mline: "m=audio 40000 RTP/SAVPF 8", want: []string{"a=crypto:" + cryptoC, "a=rtcp-mux"},
			not: []string{"ice-lite"}, rtcp: netip.MustParseAddrPort("198.18.0.3:20000"),
		},
		{
			name: "we are ice-lite", offer: baresipICEOffer,
			local: withTransport(testLocal(), Transport{ICE: &ICE{Ufrag: "u1", Pwd: "p1p1p1p1p1p1p1p1p1p1p1p1", Lite: true}}),
			mline: "m=audio 40000 RTP/AVP 0 101", want: []string{"a=ice-lite", "a=ice-ufrag:u1"},
			not: []string{"candidate", "end-of-candidates"}, rtcp: netip.MustParseAddrPort("198.18.0.1:30001"),
		},
		{
			name: "linphone suites, we pick one", offer: linphoneSRTPOffer, local: withTransport(testLocal(), Transport{
				Crypto: []string{"3 AES_CM_128_HMAC_SHA1_80 inline:" + keyB}}),
			mline: "m=audio 40000 RTP/SAVP 96 101", want: []string{"a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:" + keyB},
			rtcp: netip.MustParseAddrPort("198.18.0.5:7079"),
		},
		{
			name: "unknown profile rejected, SAVP answered", offer: unknownThenSAVPOffer, local: sdesLocal(),
			mline: "m=audio 40000 RTP/SAVP 0", want: []string{"m=audio 0 TCP/RTP/AVP 0"},
			rtcp: netip.MustParseAddrPort("198.18.0.1:10003"), ports: []int{0, 40000},
		},
		{
			name: "SRTP with plain fallback, we have keys", offer: savpThenAVPOffer, local: sdesLocal(),
			mline: "m=audio 40000 RTP/SAVP 0", want: []string{"m=audio 0 RTP/AVP 0", "a=crypto:" + cryptoC},
			rtcp: netip.MustParseAddrPort("198.18.0.1:10001"), ports: []int{40000, 0},
		},
		{
			name: "SRTP with plain fallback, we are plain", offer: savpThenAVPOffer, local: testLocal(),
			mline: "m=audio 40000 RTP/AVP 0", want: []string{"m=audio 0 RTP/SAVP 0"}, not: []string{"crypto"},
			rtcp: netip.MustParseAddrPort("198.18.0.1:10003"), ports: []int{0, 40000}, seen: &Transport{Profile: ProfileAVP},
		},
		{
			name: "DTLS then SDES, we only have SDES keys", offer: dtlsThenSAVPOffer, local: sdesLocal(),
			mline: "m=audio 40000 RTP/SAVP 0", want: []string{"m=audio 0 UDP/TLS/RTP/SAVPF 0", "a=crypto:" + cryptoC},
			not: []string{"fingerprint", "setup"}, rtcp: netip.MustParseAddrPort("198.18.0.1:10003"), ports: []int{0, 40000},
			// The session-level fingerprint applies to every stream.
			seen: &Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}, Fingerprint: "sha-256 " + fpA},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			offer := crlf(tt.offer)
			b, n, err := Answer(offer, tt.local)
			if err != nil {
				t.Fatalf("Answer: %v", err)
			}
			var s sdp.SessionDescription
			if err := s.Unmarshal(b); err != nil {
				t.Fatalf("answer does not parse: %v\n%s", err, b)
			}
			lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
			for _, w := range append([]string{tt.mline}, tt.want...) {
				if !slices.Contains(lines, w) {
					t.Errorf("answer lacks %q\n%s", w, b)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(string(b), w) {
					t.Errorf("answer has %q\n%s", w, b)
				}
			}
			want, err := ReadOffer(offer)
			if err != nil {
				t.Fatal(err)
			}
			if tt.seen != nil {
				want = *tt.seen
			}
			if !reflect.DeepEqual(n.Transport, want) {
				t.Errorf("n.Transport %s\nReadOffer   %s", show(n.Transport), show(want))
			}
			if n.RemoteRTCP != tt.rtcp {
				t.Errorf("RemoteRTCP %v, want %v", n.RemoteRTCP, tt.rtcp)
			}
			ports := tt.ports
			if ports == nil {
				ports = []int{40000}
			}
			var got []int
			for _, m := range s.MediaDescriptions {
				got = append(got, m.MediaName.Port.Value)
			}
			if !slices.Equal(got, ports) {
				t.Errorf("answer ports %v, want %v", got, ports)
			}
		})
	}
}

// An SRTP profile without the keys to answer it is declined, as before.
func TestAnswerSecureErrors(t *testing.T) {
	tests := []struct {
		name  string
		offer string
		local Local
	}{
		{"srtp-mand, plain local", baresipSRTPMandOffer, testLocal()},
		{"linphone srtp, plain local", linphoneSRTPOffer, testLocal()},
		{"srtp-mand, only a fingerprint", baresipSRTPMandOffer, withTransport(testLocal(), Transport{Fingerprint: "sha-256 " + fpB, Setup: "active"})},
		{"dtls, plain local", baresipDTLSOffer, testLocal()},
		{"dtls, only a=crypto", baresipDTLSOffer, sdesLocal()},
		{"dtls then SDES, plain local", dtlsThenSAVPOffer, testLocal()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, n, err := Answer(crlf(tt.offer), tt.local)
			if !errors.Is(err, ErrNoAudio) || !errors.Is(err, ErrUnsupportedProfile) {
				t.Errorf("err = %v", err)
			}
			if b != nil || !reflect.DeepEqual(n, Negotiated{}) {
				t.Errorf("got an answer with an error: %q", b)
			}
		})
	}
}

func TestOfferTextSecure(t *testing.T) {
	l := testLocal(pcmu())
	l.DTMF = false
	l.Transport = Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpB, Setup: "actpass",
		ICE: &ICE{Ufrag: "OurUfrag", Pwd: "our+pwd/0123456789abcdef", Lite: true,
			Candidates: []string{"1 1 udp 2130706431 192.0.2.10 40000 typ host"}, EndOfCandidates: true},
		RTCPMuxOnly: true}
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
a=ice-lite
m=audio 40000 UDP/TLS/RTP/SAVPF 0
a=rtpmap:0 PCMU/8000
a=ptime:20
a=sendrecv
a=rtcp:40000
a=rtcp-mux
a=rtcp-mux-only
a=fingerprint:sha-256 ` + fpB + `
a=setup:actpass
a=ice-ufrag:OurUfrag
a=ice-pwd:our+pwd/0123456789abcdef
a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host
a=end-of-candidates
`))
	if string(b) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", b, want)
	}

	// Best-effort SDES with rtcp-mux: RTCP keeps its own port in case the
	// answerer does not multiplex.
	l.Transport = Transport{Crypto: []string{cryptoA, cryptoC}, RTCPMux: true}
	if b, err = Offer(l); err != nil {
		t.Fatal(err)
	}
	want = string(crlf(`
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
a=rtcp-mux
a=crypto:` + cryptoA + `
a=crypto:` + cryptoC + `
`))
	if string(b) != want {
		t.Errorf("offer:\n%s\nwant:\n%s", b, want)
	}
}
