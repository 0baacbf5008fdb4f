package secure

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestCryptoRoundTrip(t *testing.T) {
	for _, s := range OfferSuites() {
		c, err := NewCrypto(7, s)
		if err != nil {
			t.Fatal(err)
		}
		info, _ := lookupSuite(s)
		if len(c.Key) != info.keyLen+info.saltLen {
			t.Fatalf("%s: key of %d bytes", s, len(c.Key))
		}
		got, err := ParseCrypto(c.String())
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if got.Tag != 7 || got.Suite != s || !bytes.Equal(got.Key, c.Key) {
			t.Fatalf("%s: parsed back as %+v", c, got)
		}
	}
	a, _ := NewCrypto(1, AES128SHA1_80)
	b, _ := NewCrypto(1, AES128SHA1_80)
	if bytes.Equal(a.Key, b.Key) {
		t.Fatal("two fresh keys are equal")
	}
}

func TestParseCryptoLenient(t *testing.T) {
	// Suite names in another case, unpadded base64, extra blanks.
	key := "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz" // 30 bytes, no padding needed
	c, err := ParseCrypto("  2 aes_cm_128_hmac_sha1_32   INLINE:" + key + " ")
	if err != nil {
		t.Fatal(err)
	}
	if c.Tag != 2 || c.Suite != AES128SHA1_32 {
		t.Fatalf("got %+v", c)
	}
	gcm, _ := NewCrypto(3, AEADAES128GCM) // 28 bytes: one '=' of padding
	unpadded := strings.TrimRight(gcm.String(), "=")
	got, err := ParseCrypto(unpadded)
	if err != nil || !bytes.Equal(got.Key, gcm.Key) {
		t.Fatalf("unpadded key: %v", err)
	}
}

func TestParseCryptoRefusals(t *testing.T) {
	key := "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
	for _, tc := range []struct {
		value string
		want  error
	}{
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20", ErrKeyParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:4", ErrKeyParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4", ErrKeyParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|1:4;inline:" + key + "|2:4", ErrKeyParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " UNENCRYPTED_SRTP", ErrSessionParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " KDR=1", ErrSessionParams},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key + " FEC_ORDER=FEC_SRTP", ErrSessionParams},
		{"1 F8_128_HMAC_SHA1_80 inline:" + key, ErrUnknownSuite},
		{"1 AES_192_CM_HMAC_SHA1_80 inline:" + key, ErrUnknownSuite},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:!!notbase64!!", ErrMalformedCrypto},
		{"1 AES_CM_128_HMAC_SHA1_80 inline:" + key[:20], ErrMalformedCrypto},             // 15 bytes
		{"1 AES_256_CM_HMAC_SHA1_80 inline:" + key, ErrMalformedCrypto},                  // 30 bytes, wants 46
		{"1 AEAD_AES_128_GCM inline:" + key, ErrMalformedCrypto},                         // 30 bytes, wants 28
		{"1 AES_CM_128_HMAC_SHA1_80 " + key, ErrMalformedCrypto},                         // no method
		{"1 AES_CM_128_HMAC_SHA1_80 uri:http://example.invalid/key", ErrMalformedCrypto}, // not inline
		{"x AES_CM_128_HMAC_SHA1_80 inline:" + key, ErrMalformedCrypto},
		{"-1 AES_CM_128_HMAC_SHA1_80 inline:" + key, ErrMalformedCrypto},
		{"1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + key, ErrMalformedCrypto},
		{"1 AES_CM_128_HMAC_SHA1_80", ErrMalformedCrypto},
		{"", ErrMalformedCrypto},
	} {
		_, err := ParseCrypto(tc.value)
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseCrypto(%q) = %v, want %v", tc.value, err, tc.want)
		}
	}
}

func TestNewCryptoRefusals(t *testing.T) {
	if _, err := NewCrypto(1, "NULL_HMAC_SHA1_80"); !errors.Is(err, ErrUnknownSuite) {
		t.Fatalf("unknown suite: %v", err)
	}
	if _, err := NewCrypto(-1, AES128SHA1_80); !errors.Is(err, ErrMalformedCrypto) {
		t.Fatalf("negative tag: %v", err)
	}
}

func TestOfferSuites(t *testing.T) {
	s := OfferSuites()
	if len(s) != 4 || s[0] != AES128SHA1_80 {
		t.Fatalf("OfferSuites = %v", s)
	}
	s[0] = "changed"
	if OfferSuites()[0] != AES128SHA1_80 {
		t.Fatal("OfferSuites shares its slice")
	}
}

func TestChoose(t *testing.T) {
	c256, _ := NewCrypto(1, AES256SHA1_80)
	c80, _ := NewCrypto(2, AES128SHA1_80)
	bad := Crypto{Tag: 3, Suite: "F8_128_HMAC_SHA1_80", Key: make([]byte, 30)}
	short := Crypto{Tag: 4, Suite: AES128SHA1_80, Key: make([]byte, 3)}

	remote, local, err := Choose([]Crypto{bad, short, c256, c80})
	if err != nil {
		t.Fatal(err)
	}
	if remote.Tag != 1 || remote.Suite != AES256SHA1_80 {
		t.Fatalf("chose %+v, want the first supported line (tag 1)", remote)
	}
	if local.Tag != 1 || local.Suite != AES256SHA1_80 || len(local.Key) != 46 || bytes.Equal(local.Key, remote.Key) {
		t.Fatalf("answer %+v", local)
	}
	if _, _, err := Choose([]Crypto{bad, short}); !errors.Is(err, ErrNoCommonSuite) {
		t.Fatalf("nothing usable: %v", err)
	}
	if _, _, err := Choose(nil); !errors.Is(err, ErrNoCommonSuite) {
		t.Fatalf("nothing offered: %v", err)
	}
}

func TestSDESKeys(t *testing.T) {
	l, _ := NewCrypto(1, AEADAES128GCM)
	r, _ := NewCrypto(1, AEADAES128GCM)
	k, err := SDESKeys(l, r)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(append(k.LocalKey, k.LocalSalt...), l.Key) || !bytes.Equal(append(k.RemoteKey, k.RemoteSalt...), r.Key) {
		t.Fatal("keys not split as key || salt")
	}
	if len(k.LocalKey) != 16 || len(k.LocalSalt) != 12 {
		t.Fatalf("GCM key %d, salt %d", len(k.LocalKey), len(k.LocalSalt))
	}
	other, _ := NewCrypto(1, AES128SHA1_80)
	if _, err := SDESKeys(l, other); !errors.Is(err, ErrNoCommonSuite) {
		t.Fatalf("different suites: %v", err)
	}
	if _, err := SDESKeys(l, Crypto{Tag: 1, Suite: AEADAES128GCM, Key: []byte{1}}); !errors.Is(err, ErrMalformedCrypto) {
		t.Fatalf("short key: %v", err)
	}
}
