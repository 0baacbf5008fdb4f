package sdp

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

const (
	cryptoA = "1 AES_CM_128_HMAC_SHA1_80 inline:" + keyA
	cryptoC = "1 AES_CM_128_HMAC_SHA1_80 inline:" + keyC
)

func TestReadOffer(t *testing.T) {
	tests := []struct {
		name  string
		offer string
		want  Transport
	}{
		{"plain baresip", baresipOffer, Transport{Profile: ProfileAVP}},
		{"srtp-mand", baresipSRTPMandOffer, Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}}},
		{"srtp best effort", baresipSRTPOffer, Transport{
			Profile: ProfileAVP, Crypto: []string{"1 AES_CM_128_HMAC_SHA1_80 inline:" + keyB}}},
		{"dtls_srtp, session-level fingerprint", baresipDTLSOffer, Transport{
			Profile: ProfileDTLSF, Fingerprint: "SHA-256 " + fpA, Setup: "actpass", RTCPMux: true}},
		{"ice, session-level credentials", baresipICEOffer, Transport{Profile: ProfileAVP, ICE: &ICE{
			Ufrag: "JQhO5GCD", Pwd: "d7200d9c3ab5b77792c766",
			Candidates: []string{
				"1 1 UDP 2130706431 198.18.0.1 30000 typ host",
				"1 2 UDP 2130706430 198.18.0.1 30001 typ host",
				"2 1 UDP 1694498815 198.19.0.7 41000 typ srflx raddr 198.18.0.1 rport 30000",
				"3 1 UDP 16777215 198.19.0.9 23001 typ relay raddr 198.19.0.7 rport 41000",
			},
			EndOfCandidates: true,
		}}},
		{"dtls and ice, media level wins", baresipDTLSICEOffer, Transport{
			Profile: ProfileDTLSF, Fingerprint: "SHA-256 " + fpA, Setup: "actpass", RTCPMux: true, RTCPMuxOnly: true,
			ICE: &ICE{Ufrag: "JQhO5GCD", Pwd: "d7200d9c3ab5b77792c766",
				Candidates: []string{"1 1 UDP 2130706431 198.18.0.1 30000 typ host"}},
		}},
		{"linphone suites in order", linphoneSRTPOffer, Transport{Profile: ProfileSAVP, Crypto: []string{
			"1 AES_256_CM_HMAC_SHA1_80 inline:" + key256A,
			"2 AES_256_CM_HMAC_SHA1_32 inline:" + key256B,
			"3 AES_CM_128_HMAC_SHA1_80 inline:" + keyA,
			"4 AES_CM_128_HMAC_SHA1_32 inline:" + keyC,
		}}},
		{"ice-lite", iceLiteOffer, Transport{
			Profile: ProfileSAVPF, RTCPMux: true,
			Crypto: []string{"7 AES_CM_128_HMAC_SHA1_32 inline:" + keyC + "|2^31|1:1"},
			ICE: &ICE{Ufrag: "lite", Pwd: "litelitelitelitelitelite", Lite: true,
				Candidates: []string{"1 1 udp 2130706431 198.18.0.3 20000 typ host"}},
		}},
		{"unknown profile skipped", unknownThenSAVPOffer, Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}}},
		{"values with a CR or empty dropped", baresipSRTPMandOffer + "a=crypto:2 AES_CM_128_HMAC_SHA1_32\rinline:x\na=ice-ufrag: \na=setup:\n",
			Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}}},
		{"blanks trimmed", baresipSRTPMandOffer + "a=setup: passive \n",
			Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA}, Setup: "passive"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadOffer(crlf(tt.offer))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %s\nwant %s", show(got), show(tt.want))
			}
			if got.Secure() != (tt.want.Profile != ProfileAVP || len(tt.want.Crypto) > 0 || tt.want.Fingerprint != "") {
				t.Errorf("Secure() = %v", got.Secure())
			}
		})
	}
}

func TestReadOfferErrors(t *testing.T) {
	tests := []struct {
		name  string
		offer []byte
		want  []error
	}{
		{"garbage", []byte("hello"), []error{ErrMalformed}},
		{"unknown profile only", crlf("v=0\no=- 1 1 IN IP4 198.18.0.1\ns=-\nc=IN IP4 198.18.0.1\nt=0 0\nm=audio 5000 TCP/RTP/AVP 0\n"),
			[]error{ErrNoAudio, ErrUnsupportedProfile}},
		{"disabled", crlf("v=0\no=- 1 1 IN IP4 198.18.0.1\ns=-\nc=IN IP4 198.18.0.1\nt=0 0\nm=audio 0 RTP/SAVP 0\n"),
			[]error{ErrNoAudio}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadOffer(tt.offer)
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("err = %v, want %v", err, w)
				}
			}
			if !reflect.DeepEqual(got, Transport{}) {
				t.Errorf("got %s with an error", show(got))
			}
		})
	}
}

func TestSecure(t *testing.T) {
	tests := []struct {
		t    Transport
		want bool
	}{
		{Transport{}, false},
		{Transport{Profile: ProfileAVPF, RTCPMux: true, ICE: &ICE{Ufrag: "u", Pwd: "p"}}, false},
		{Transport{Profile: ProfileSAVP}, true},
		{Transport{Profile: "udp/tls/rtp/savpf"}, true},
		{Transport{Crypto: []string{cryptoA}}, true},
		{Transport{Profile: ProfileAVPF, Fingerprint: "sha-256 " + fpA}, true},
	}
	for _, tt := range tests {
		if got := tt.t.Secure(); got != tt.want {
			t.Errorf("%s: Secure() = %v", show(tt.t), got)
		}
	}
	for p, want := range map[string]bool{
		ProfileAVP: false, ProfileAVPF: false, ProfileSAVP: true, ProfileSAVPF: true,
		ProfileDTLS: true, ProfileDTLSF: true, "RTP/SAVPX": false, "": false, "TCP/TLS/RTP/SAVP": false,
	} {
		if IsSecureProfile(p) != want {
			t.Errorf("IsSecureProfile(%q) = %v", p, !want)
		}
	}
}

func TestInvalidTransport(t *testing.T) {
	ice := func(ufrag, pwd string, cands ...string) *ICE { return &ICE{Ufrag: ufrag, Pwd: pwd, Candidates: cands} }
	tests := []struct {
		name string
		t    Transport
	}{
		{"unknown profile", Transport{Profile: "RTP/XAVP"}},
		{"profile not canonical", Transport{Profile: "rtp/savp"}},
		{"CR in crypto", Transport{Profile: ProfileSAVP, Crypto: []string{cryptoA + "\r\na=evil"}}},
		{"empty crypto", Transport{Profile: ProfileSAVP, Crypto: []string{" "}}},
		{"LF in fingerprint", Transport{Profile: ProfileDTLS, Fingerprint: "sha-256 AB\n"}},
		{"setup word", Transport{Profile: ProfileDTLS, Fingerprint: "sha-256 " + fpA, Setup: "holdconn"}},
		{"setup case", Transport{Profile: ProfileDTLS, Fingerprint: "sha-256 " + fpA, Setup: "Active"}},
		{"empty ufrag", Transport{ICE: ice("", "pwdpwdpwdpwdpwdpwdpwdpwd")}},
		{"empty pwd", Transport{ICE: ice("ufrag", "")}},
		{"blank in pwd", Transport{ICE: ice("ufrag", "pwd pwd")}},
		{"LF in candidate", Transport{ICE: ice("ufrag", "pwdpwdpwdpwdpwdpwdpwdpwd", "1 1 UDP 1 198.18.0.1 9 typ host\na=x")}},
		{"empty candidate", Transport{ICE: ice("ufrag", "pwdpwdpwdpwdpwdpwdpwdpwd", "")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLocal()
			l.Transport = tt.t
			if b, err := Offer(l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Offer: err = %v\n%s", err, b)
			}
			if _, _, err := Answer(crlf(baresipSRTPMandOffer), l); !errors.Is(err, errInvalidLocal) {
				t.Errorf("Answer: err = %v", err)
			}
			if _, err := ParseAnswer(l, crlf(baresipSRTPMandOffer)); !errors.Is(err, errInvalidLocal) {
				t.Errorf("ParseAnswer: err = %v", err)
			}
		})
	}
}

// show prints a Transport with its ICE part, for failure messages.
func show(t Transport) string {
	s := fmt.Sprintf("%+v", t)
	if t.ICE != nil {
		s += fmt.Sprintf(" ICE=%+v", *t.ICE)
	}
	return s
}
