package secure

import (
	"bytes"
	"testing"
)

func FuzzParseCrypto(f *testing.F) {
	for _, s := range []string{
		"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		"1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4",
		"2 AEAD_AES_128_GCM inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
		"3 AES_256_CM_HMAC_SHA1_80 inline:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= KDR=1",
		"1 aes_cm_128_hmac_sha1_32 INLINE:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
		"",
		"1",
		"1 x inline:|",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCrypto(s)
		if err != nil {
			return
		}
		if !c.valid() {
			t.Fatalf("%q parsed to an unusable %+v", s, c)
		}
		again, err := ParseCrypto(c.String())
		if err != nil {
			t.Fatalf("%q: String %q does not parse: %v", s, c.String(), err)
		}
		if again.Tag != c.Tag || again.Suite != c.Suite || !bytes.Equal(again.Key, c.Key) {
			t.Fatalf("%q: round trip %+v != %+v", s, again, c)
		}
	})
}

func FuzzParseFingerprint(f *testing.F) {
	for _, s := range []string{
		"sha-256 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89",
		"SHA-1 ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01",
		"sha-512 00",
		"",
		"md5 AB",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fp, err := ParseFingerprint(s)
		if err != nil {
			return
		}
		again, err := ParseFingerprint(fp.String())
		if err != nil {
			t.Fatalf("%q: String %q does not parse: %v", s, fp.String(), err)
		}
		if again.Hash != fp.Hash || !bytes.Equal(again.Value, fp.Value) {
			t.Fatalf("%q: round trip %+v != %+v", s, again, fp)
		}
	})
}
