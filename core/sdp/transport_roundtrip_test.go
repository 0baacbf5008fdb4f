package sdp

import (
	"errors"
	"net/netip"
	"reflect"
	"testing"
)

func TestParseAnswerProfiles(t *testing.T) {
	plain := Transport{}
	bestEffort := Transport{Crypto: []string{cryptoA}}
	savp := Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}}
	dtls := Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpB, Setup: "actpass"}
	tests := []struct {
		name     string
		ours     Transport
		answered string // profile
		extra    string // answer lines after the m= line
		ok       bool
		want     Transport // n.Transport when ok
	}{
		{"plain", plain, ProfileAVP, "", true, Transport{Profile: ProfileAVP}},
		{"plain, AVPF answered", plain, ProfileAVPF, "", false, Transport{}},
		{"plain, SRTP answered", plain, ProfileSAVP, "a=crypto:" + cryptoC + "\n", false, Transport{}},
		{"best effort, plain answer", bestEffort, ProfileAVP, "", true, Transport{Profile: ProfileAVP}},
		{"best effort, keyed answer", bestEffort, ProfileAVP, "a=crypto:" + cryptoC + "\n", true,
			Transport{Profile: ProfileAVP, Crypto: []string{cryptoC}}},
		{"best effort, AVPF answer", bestEffort, ProfileAVPF, "", true, Transport{Profile: ProfileAVPF}},
		{"best effort, SAVP answer", bestEffort, ProfileSAVP, "a=crypto:" + cryptoC + "\n", false, Transport{}},
		{"SAVP", savp, ProfileSAVP, "a=crypto:" + cryptoC + "\n", true, Transport{Profile: ProfileSAVP, Crypto: []string{cryptoC}}},
		{"SAVP downgraded to AVP", savp, ProfileAVP, "", false, Transport{}},
		{"SAVP answered as SAVPF", savp, ProfileSAVPF, "a=crypto:" + cryptoC + "\n", false, Transport{}},
		{"DTLS", dtls, ProfileDTLSF, "a=setup:active\na=fingerprint:sha-256 " + fpA + "\n", true,
			Transport{Profile: ProfileDTLSF, Setup: "active", Fingerprint: "sha-256 " + fpA}},
		{"DTLS without F", dtls, ProfileDTLS, "a=setup:active\n", false, Transport{}},
		{"DTLS answered with SDES", dtls, ProfileSAVPF, "a=crypto:" + cryptoC + "\n", false, Transport{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := withTransport(testLocal(), tt.ours)
			n, err := ParseAnswer(l, answerTo("m=audio 30000 "+tt.answered+" 0\n"+tt.extra))
			if !tt.ok {
				if !errors.Is(err, ErrProfileMismatch) || errors.Is(err, ErrNoAudio) || errors.Is(err, ErrUnsupportedProfile) {
					t.Errorf("err = %v, want only ErrProfileMismatch", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(n.Transport, tt.want) {
				t.Errorf("n.Transport %s, want %s", show(n.Transport), show(tt.want))
			}
		})
	}
}

// The answerer's session-level attributes count for the stream, and RTCP
// goes to the RTP port once both sides said rtcp-mux.
func TestParseAnswerSessionLevel(t *testing.T) {
	answer := crlf(`
v=0
o=- 8000 8001 IN IP4 198.18.0.20
s=-
c=IN IP4 198.18.0.20
t=0 0
a=fingerprint:SHA-256 ` + fpA + `
a=setup:passive
a=ice-ufrag:theirs
a=ice-pwd:theirstheirstheirstheirs
a=ice-lite
m=audio 30000 UDP/TLS/RTP/SAVPF 0
a=rtcp:30001
a=rtcp-mux
a=candidate:1 1 UDP 2130706431 198.18.0.20 30000 typ host
`)
	want := Transport{Profile: ProfileDTLSF, Fingerprint: "SHA-256 " + fpA, Setup: "passive", RTCPMux: true,
		ICE: &ICE{Ufrag: "theirs", Pwd: "theirstheirstheirstheirs", Lite: true,
			Candidates: []string{"1 1 UDP 2130706431 198.18.0.20 30000 typ host"}}}
	for _, tt := range []struct {
		name string
		mux  bool
		rtcp netip.AddrPort
	}{
		{"we offered rtcp-mux", true, netip.MustParseAddrPort("198.18.0.20:30000")},
		{"we did not", false, netip.MustParseAddrPort("198.18.0.20:30001")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := dtlsICELocal()
			l.Transport.RTCPMux = tt.mux
			n, err := ParseAnswer(l, answer)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(n.Transport, want) {
				t.Errorf("n.Transport %s\nwant        %s", show(n.Transport), show(want))
			}
			if n.RemoteRTCP != tt.rtcp {
				t.Errorf("RemoteRTCP %v, want %v", n.RemoteRTCP, tt.rtcp)
			}
		})
	}
}

// TestSecureRoundTrip runs our Offer through our Answer and back through
// ParseAnswer: each side must see the other's attributes, on the offer's
// profile, with RTCP multiplexed only when both wanted it.
func TestSecureRoundTrip(t *testing.T) {
	theirICE := &ICE{Ufrag: "B0b", Pwd: "bobbobbobbobbobbobbobbob", Lite: true,
		Candidates: []string{"1 1 udp 2130706431 198.18.0.2 50000 typ host"}}
	tests := []struct {
		name              string
		offerer, answerer Transport
		seenByA, seenByB  Transport // what ParseAnswer and Answer report
		muxed             bool
	}{
		{
			name:     "SDES mandatory",
			offerer:  Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA, "2 AES_CM_128_HMAC_SHA1_32 inline:" + keyB}},
			answerer: Transport{Crypto: []string{cryptoC}},
			seenByA:  Transport{Profile: ProfileSAVP, Crypto: []string{cryptoC}},
			seenByB:  Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA, "2 AES_CM_128_HMAC_SHA1_32 inline:" + keyB}},
		},
		{
			name:    "SDES best effort, plain answerer",
			offerer: Transport{Crypto: []string{cryptoA}},
			seenByA: Transport{Profile: ProfileAVP},
			seenByB: Transport{Profile: ProfileAVP, Crypto: []string{cryptoA}},
		},
		{
			name:     "DTLS, ICE, rtcp-mux-only against ICE-lite",
			offerer:  dtlsICELocal().Transport,
			answerer: Transport{Profile: ProfileSAVP, Fingerprint: "sha-256 " + fpA, Setup: "active", ICE: theirICE, RTCPMux: true},
			seenByA:  Transport{Profile: ProfileDTLSF, Fingerprint: "sha-256 " + fpA, Setup: "active", ICE: theirICE, RTCPMux: true},
			seenByB:  dtlsICELocal().Transport,
			muxed:    true,
		},
		{
			name:     "offerer muxes, answerer not",
			offerer:  Transport{RTCPMux: true},
			answerer: Transport{},
			seenByA:  Transport{Profile: ProfileAVP},
			seenByB:  Transport{Profile: ProfileAVP, RTCPMux: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := withTransport(testLocal(), tt.offerer)
			b := withTransport(testLocal(), tt.answerer)
			b.Addr, b.RTPPort = netip.MustParseAddr("198.18.0.2"), 50000
			offer, err := Offer(a)
			if err != nil {
				t.Fatal(err)
			}
			answer, nb, err := Answer(offer, b)
			if err != nil {
				t.Fatalf("Answer: %v\n%s", err, offer)
			}
			na, err := ParseAnswer(a, answer)
			if err != nil {
				t.Fatalf("ParseAnswer: %v\n%s", err, answer)
			}
			if !reflect.DeepEqual(na.Transport, tt.seenByA) {
				t.Errorf("offerer sees %s\nwant          %s", show(na.Transport), show(tt.seenByA))
			}
			if !reflect.DeepEqual(nb.Transport, tt.seenByB) {
				t.Errorf("answerer sees %s\nwant          %s", show(nb.Transport), show(tt.seenByB))
			}
			wantA, wantB := na.Remote, nb.Remote
			if !tt.muxed {
				wantA = netip.AddrPortFrom(wantA.Addr(), wantA.Port()+1)
				wantB = netip.AddrPortFrom(wantB.Addr(), wantB.Port()+1)
			}
			if na.RemoteRTCP != wantA || nb.RemoteRTCP != wantB {
				t.Errorf("RTCP to %v / %v, want %v / %v", na.RemoteRTCP, nb.RemoteRTCP, wantA, wantB)
			}
			if na.Codec.PayloadType != nb.RecvPT || na.Remote != netip.AddrPortFrom(b.Addr, 50000) {
				t.Errorf("media: offerer sends PT %d to %v, answerer expects %d", na.Codec.PayloadType, na.Remote, nb.RecvPT)
			}
		})
	}
}
