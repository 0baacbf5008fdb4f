// Package secure is the media encryption stage of a call's stream: SRTP
// (RFC 3711) and its keying, SDES (RFC 4568) and DTLS-SRTP (RFC 5763/5764).
package secure

import (
	"strings"

	"github.com/pion/srtp/v3"
)

// Suite is an SDES crypto-suite name as written in a=crypto.
type Suite string

// The suites we speak.
const (
	AES128SHA1_80 Suite = "AES_CM_128_HMAC_SHA1_80"
	AES128SHA1_32 Suite = "AES_CM_128_HMAC_SHA1_32"
	AES256SHA1_80 Suite = "AES_256_CM_HMAC_SHA1_80"
	AEADAES128GCM Suite = "AEAD_AES_128_GCM"
)

// OfferSuites is our order in offers. AES_CM_128_HMAC_SHA1_80 goes first:
// every SDES peer has it, and baresip 1.0 accepts AES_256 in an offer but
// then mis-keys it (no audio), so it must never be the one picked first.
func OfferSuites() []Suite {
	return []Suite{AES128SHA1_80, AEADAES128GCM, AES256SHA1_80, AES128SHA1_32}
}

// suiteInfo is what a suite means for keying and for pion.
type suiteInfo struct {
	profile srtp.ProtectionProfile
	keyLen  int // master key
	saltLen int // master salt
}

func lookupSuite(s Suite) (suiteInfo, bool) {
	switch s {
	case AES128SHA1_80:
		return suiteInfo{srtp.ProtectionProfileAes128CmHmacSha1_80, 16, 14}, true
	case AES128SHA1_32:
		return suiteInfo{srtp.ProtectionProfileAes128CmHmacSha1_32, 16, 14}, true
	case AES256SHA1_80:
		return suiteInfo{srtp.ProtectionProfileAes256CmHmacSha1_80, 32, 14}, true
	case AEADAES128GCM:
		return suiteInfo{srtp.ProtectionProfileAeadAes128Gcm, 16, 12}, true
	}
	return suiteInfo{}, false
}

// canonicalSuite maps a suite name in any letter case (ABNF literals are
// case-insensitive) to ours.
func canonicalSuite(name string) (Suite, bool) {
	for _, s := range OfferSuites() {
		if strings.EqualFold(name, string(s)) {
			return s, true
		}
	}
	return "", false
}
