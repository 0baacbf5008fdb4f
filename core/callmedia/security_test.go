package callmedia

import (
	"errors"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
)

func testCert(t *testing.T) *secure.Certificate {
	t.Helper()
	c, err := secure.NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestOfferTransport(t *testing.T) {
	cert := testCert(t)
	for _, tc := range []struct {
		name      string
		sec       Security
		profile   string
		crypto    int
		dtls      bool
		wantError error
	}{
		{"none", Security{Mode: ModeNone}, sdp.ProfileAVP, 0, false, nil},
		{"srtp best effort", Security{Mode: ModeSRTP, SDESKeys: true}, sdp.ProfileAVP, len(secure.OfferSuites()), false, nil},
		{"srtp mandatory", Security{Mode: ModeSRTP, SDESKeys: true, Mandatory: true}, sdp.ProfileSAVP, len(secure.OfferSuites()), false, nil},
		{"srtp, keys not allowed", Security{Mode: ModeSRTP}, sdp.ProfileAVP, 0, false, nil},
		{"srtp mandatory, keys not allowed", Security{Mode: ModeSRTP, Mandatory: true}, "", 0, false, ErrEncryptionRequired},
		{"dtls best effort", Security{Mode: ModeDTLS}, sdp.ProfileAVP, 0, true, nil},
		{"dtls mandatory", Security{Mode: ModeDTLS, Mandatory: true}, sdp.ProfileDTLS, 0, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr, offered, err := offerTransport(tc.sec, cert)
			if !errors.Is(err, tc.wantError) {
				t.Fatalf("error %v, want %v", err, tc.wantError)
			}
			if err != nil {
				return
			}
			if tr.Profile != tc.profile || len(tr.Crypto) != tc.crypto || len(offered) != tc.crypto || (tr.Fingerprint != "") != tc.dtls || !tr.RTCPMux {
				t.Fatalf("transport %+v (%d keys kept), want profile %s, %d crypto lines, dtls %v, rtcp-mux", tr, len(offered), tc.profile, tc.crypto, tc.dtls)
			}
			if tc.dtls && tr.Setup != "actpass" {
				t.Fatalf("setup %q, want actpass in an offer", tr.Setup)
			}
		})
	}
}

func TestPlanFromOffer(t *testing.T) {
	cert, theirs := testCert(t), testCert(t)
	c, err := secure.NewCrypto(1, secure.AES128SHA1_80)
	if err != nil {
		t.Fatal(err)
	}
	unknown := "1 F8_128_HMAC_SHA1_80 inline:MTIzNDU2Nzg5MDEyMzQ1Njc4OTAxMjM0NTY3ODkw"
	for _, tc := range []struct {
		name    string
		sec     Security
		offer   sdp.Transport
		scheme  string
		wantErr error
	}{
		{"plain", Security{}, sdp.Transport{Profile: sdp.ProfileAVP}, SchemeNone, nil},
		{"plain, ours mandatory", Security{Mode: ModeSRTP, Mandatory: true}, sdp.Transport{Profile: sdp.ProfileAVP}, "", ErrEncryptionRequired},
		{"sdes whatever our mode", Security{Mode: ModeNone}, sdp.Transport{Profile: sdp.ProfileSAVP, Crypto: []string{unknown, c.String()}}, SchemeSRTP, nil},
		{"best-effort sdes", Security{}, sdp.Transport{Profile: sdp.ProfileAVP, Crypto: []string{c.String()}}, SchemeSRTP, nil},
		{"sdes, no suite we know", Security{}, sdp.Transport{Profile: sdp.ProfileSAVP, Crypto: []string{unknown}}, "", secure.ErrNoCommonSuite},
		{"best-effort sdes, no suite we know", Security{}, sdp.Transport{Profile: sdp.ProfileAVP, Crypto: []string{unknown}}, SchemeNone, nil},
		{"dtls", Security{}, sdp.Transport{Profile: sdp.ProfileDTLSF, Fingerprint: theirs.Fingerprint().String(), Setup: "actpass"}, SchemeDTLS, nil},
		{"dtls, bad setup", Security{}, sdp.Transport{Profile: sdp.ProfileDTLSF, Fingerprint: theirs.Fingerprint().String(), Setup: "holdconn"}, "", secure.ErrBadSetup},
		{"secure profile, no keys", Security{}, sdp.Transport{Profile: sdp.ProfileSAVP}, "", ErrEncryptionRequired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := planFromOffer(tc.sec, cert, tc.offer)
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("error %v, want %v", err, tc.wantErr)
			}
			if err != nil {
				return
			}
			if p.scheme != tc.scheme {
				t.Fatalf("scheme %q, want %q", p.scheme, tc.scheme)
			}
			a := answerTransport(p, cert)
			switch p.scheme {
			case SchemeSRTP:
				if len(a.Crypto) != 1 || !strings.HasPrefix(a.Crypto[0], "2 AES_CM_128_HMAC_SHA1_80 ") && !strings.HasPrefix(a.Crypto[0], "1 AES_CM_128_HMAC_SHA1_80 ") {
					t.Fatalf("answer crypto %v", a.Crypto)
				}
				if k, err := p.keys(); err != nil || len(k.LocalKey) == 0 {
					t.Fatalf("keys %v %v", k, err)
				}
			case SchemeDTLS:
				if a.Setup != "active" || !p.client || a.Fingerprint != cert.Fingerprint().String() {
					t.Fatalf("answer %+v client %v, want our fingerprint and active (client)", a, p.client)
				}
			}
		})
	}
}

func TestPlanFromAnswer(t *testing.T) {
	_, offered, err := offerTransport(Security{Mode: ModeSRTP, SDESKeys: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := secure.NewCrypto(offered[1].Tag, offered[1].Suite)
	if err != nil {
		t.Fatal(err)
	}
	p, err := planFromAnswer(Security{Mode: ModeSRTP}, offered, false, sdp.Transport{Profile: sdp.ProfileAVP, Crypto: []string{theirs.String()}})
	if err != nil || p.scheme != SchemeSRTP || p.crypto.Tag != offered[1].Tag {
		t.Fatalf("plan %+v, %v: want SRTP with our key of tag %d", p, err, offered[1].Tag)
	}
	wrong, _ := secure.NewCrypto(offered[1].Tag, offered[0].Suite)
	if _, err := planFromAnswer(Security{}, offered, false, sdp.Transport{Crypto: []string{wrong.String()}}); err == nil {
		t.Fatal("an answer with a tag/suite we never offered was taken")
	}
	if p, err := planFromAnswer(Security{}, offered, false, sdp.Transport{Profile: sdp.ProfileAVP}); err != nil || p.scheme != SchemeNone {
		t.Fatalf("plain answer to best effort: %+v %v", p, err)
	}
	if _, err := planFromAnswer(Security{Mandatory: true}, offered, false, sdp.Transport{Profile: sdp.ProfileAVP}); !errors.Is(err, ErrEncryptionRequired) {
		t.Fatalf("plain answer to mandatory: %v", err)
	}
	cert := testCert(t)
	p, err = planFromAnswer(Security{Mode: ModeDTLS}, nil, true, sdp.Transport{Fingerprint: cert.Fingerprint().String(), Setup: "passive"})
	if err != nil || p.scheme != SchemeDTLS || !p.client {
		t.Fatalf("dtls answer passive: %+v %v, want us the client", p, err)
	}
}

func TestKeyNotice(t *testing.T) {
	a := config.Account{Name: "alice", Transport: "udp"}
	a.Encryption = config.EncryptionSRTP
	if n := KeyNotice(a); n != "" {
		t.Fatalf("keys are not offered over udp without the account's consent, yet: %q", n)
	}
	a.SRTPOverInsecure = true
	if n := KeyNotice(a); !strings.Contains(n, "alice") || !strings.Contains(n, "udp") {
		t.Fatalf("notice %q", n)
	}
	a.Transport = "tls"
	if n := KeyNotice(a); n != "" {
		t.Fatalf("tls signalling: %q", n)
	}
}
