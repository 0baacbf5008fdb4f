package secure

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"
)

func TestFingerprintRoundTrip(t *testing.T) {
	cert, err := NewCertificate()
	if err != nil {
		t.Fatal(err)
	}
	fp := cert.Fingerprint()
	sum := sha256.Sum256(cert.tls.Certificate[0])
	if fp.Hash != "sha-256" || !bytes.Equal(fp.Value, sum[:]) {
		t.Fatalf("fingerprint %s", fp)
	}
	s := fp.String()
	if len(s) != len("sha-256 ")+32*3-1 || strings.Count(s, ":") != 31 || s != "sha-256 "+strings.ToUpper(s[8:]) {
		t.Fatalf("String() = %q", s)
	}
	for _, v := range []string{s, strings.ToLower(s), "SHA-256 " + s[8:], "  " + s + "\t"} {
		got, err := ParseFingerprint(v)
		if err != nil || got.Hash != "sha-256" || !bytes.Equal(got.Value, fp.Value) {
			t.Fatalf("ParseFingerprint(%q) = %v, %v", v, got, err)
		}
	}
	if !fp.matches(cert.tls.Certificate[0]) {
		t.Fatal("fingerprint does not match its certificate")
	}
	other, _ := NewCertificate()
	if fp.matches(other.tls.Certificate[0]) {
		t.Fatal("fingerprint matches another certificate")
	}
}

func TestFingerprintHashes(t *testing.T) {
	cert, _ := NewCertificate()
	der := cert.tls.Certificate[0]
	for _, h := range []string{"sha-1", "sha-224", "sha-256", "sha-384", "sha-512"} {
		fp, ok := fingerprintOf(h, der)
		if !ok {
			t.Fatalf("%s unsupported", h)
		}
		got, err := ParseFingerprint(strings.ToUpper(fp.String()))
		if err != nil || !got.matches(der) {
			t.Fatalf("%s: %v", h, err)
		}
	}
}

func TestParseFingerprintRefusals(t *testing.T) {
	ok := "sha-1 " + strings.Repeat("AB:", 19) + "AB"
	if _, err := ParseFingerprint(ok); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{
		"",
		"sha-256",
		"md5 " + strings.Repeat("AB:", 15) + "AB",
		"sha-1 " + strings.Repeat("AB:", 18) + "AB",  // 19 octets
		"sha-1 " + strings.Repeat("AB:", 20) + "AB",  // 21 octets
		"sha-1 " + strings.Repeat("AB:", 19) + "GZ",  // not hex
		"sha-1 " + strings.Repeat("AB:", 19) + "ABC", // 3 digits
		"sha-1 " + strings.Repeat("AB:", 19) + "AB:", // trailing colon
		"sha-1 " + strings.Repeat("AB", 20),          // no colons
		ok + " extra",
	} {
		if _, err := ParseFingerprint(v); !errors.Is(err, ErrMalformedFingerprint) {
			t.Errorf("ParseFingerprint(%q) = %v", v, err)
		}
	}
}

func TestSetup(t *testing.T) {
	for _, tc := range []struct {
		offer  string
		ours   string
		client bool
	}{
		{"actpass", "active", true},
		{"ACTPASS", "active", true},
		{"passive", "active", true},
		{"active", "passive", false},
		{"", "passive", false},
	} {
		ours, client, err := AnswerSetup(tc.offer)
		if err != nil || ours != tc.ours || client != tc.client {
			t.Errorf("AnswerSetup(%q) = %q, %v, %v", tc.offer, ours, client, err)
		}
	}
	for _, v := range []string{"holdconn", "both", "act pass"} {
		if _, _, err := AnswerSetup(v); !errors.Is(err, ErrBadSetup) {
			t.Errorf("AnswerSetup(%q) = %v", v, err)
		}
	}
	for _, tc := range []struct {
		answer string
		client bool
	}{{"passive", true}, {"active", false}, {"Active", false}, {"", true}} {
		client, err := OffererRole(tc.answer)
		if err != nil || client != tc.client {
			t.Errorf("OffererRole(%q) = %v, %v", tc.answer, client, err)
		}
	}
	for _, v := range []string{"actpass", "holdconn", "x"} {
		if _, err := OffererRole(v); !errors.Is(err, ErrBadSetup) {
			t.Errorf("OffererRole(%q) = %v", v, err)
		}
	}
}
