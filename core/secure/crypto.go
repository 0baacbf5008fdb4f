package secure

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors of SDES parsing and negotiation; returned wrapped with detail.
var (
	// ErrUnknownSuite: a suite we do not implement.
	ErrUnknownSuite = errors.New("secure: unknown crypto suite")
	// ErrKeyParams: a lifetime, an MKI or several keys. RFC 4568 lets an
	// answerer refuse them; we do, rather than rekey mid-call.
	ErrKeyParams = errors.New("secure: unsupported key parameters (lifetime, MKI or several keys)")
	// ErrSessionParams: any session parameter (UNENCRYPTED_SRTP, KDR,
	// FEC_ORDER...): each changes the protection, and we speak only the
	// default.
	ErrSessionParams = errors.New("secure: unsupported crypto session parameters")
	// ErrMalformedCrypto: not an a=crypto value, or a key of the wrong size.
	ErrMalformedCrypto = errors.New("secure: malformed crypto attribute")
	// ErrNoCommonSuite: no offered line we can answer, or two sides keyed
	// with different suites.
	ErrNoCommonSuite = errors.New("secure: no common crypto suite")
)

// maxTag is the largest a=crypto tag (1*9DIGIT).
const maxTag = 999999999

// Crypto is one a=crypto line. Key is the master key followed by the
// master salt.
type Crypto struct {
	Tag   int
	Suite Suite
	Key   []byte
}

// NewCrypto returns a line with a fresh random key of the suite's length.
func NewCrypto(tag int, s Suite) (Crypto, error) {
	info, ok := lookupSuite(s)
	if !ok {
		return Crypto{}, fmt.Errorf("%w: %q", ErrUnknownSuite, s)
	}
	if tag < 0 || tag > maxTag {
		return Crypto{}, fmt.Errorf("%w: tag %d", ErrMalformedCrypto, tag)
	}
	key := make([]byte, info.keyLen+info.saltLen)
	if _, err := rand.Read(key); err != nil {
		return Crypto{}, fmt.Errorf("secure: random key: %w", err)
	}
	return Crypto{Tag: tag, Suite: s, Key: key}, nil
}

// ParseCrypto parses an a=crypto value:
// "1 AES_CM_128_HMAC_SHA1_80 inline:BASE64[|lifetime][|MKI:len] [session params]".
// Lifetimes, MKIs, several keys and session parameters are refused.
func ParseCrypto(value string) (Crypto, error) {
	f := strings.Fields(value)
	if len(f) < 3 {
		return Crypto{}, fmt.Errorf("%w: %q", ErrMalformedCrypto, value)
	}
	tag, err := parseTag(f[0])
	if err != nil {
		return Crypto{}, err
	}
	suite, ok := canonicalSuite(f[1])
	if !ok {
		return Crypto{}, fmt.Errorf("%w: %q", ErrUnknownSuite, f[1])
	}
	if len(f) > 3 {
		return Crypto{}, fmt.Errorf("%w: %q", ErrSessionParams, strings.Join(f[3:], " "))
	}
	key, err := parseKeyParams(f[2], suite)
	if err != nil {
		return Crypto{}, err
	}
	return Crypto{Tag: tag, Suite: suite, Key: key}, nil
}

func parseTag(s string) (int, error) {
	if len(s) == 0 || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("%w: tag %q", ErrMalformedCrypto, s)
	}
	tag, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%w: tag %q", ErrMalformedCrypto, s)
	}
	return tag, nil
}

func parseKeyParams(s string, suite Suite) ([]byte, error) {
	if strings.Contains(s, ";") {
		return nil, fmt.Errorf("%w: %q", ErrKeyParams, s)
	}
	method, info, ok := strings.Cut(s, ":")
	if !ok || !strings.EqualFold(method, "inline") {
		return nil, fmt.Errorf("%w: key method in %q", ErrMalformedCrypto, s)
	}
	keySalt, extra, _ := strings.Cut(info, "|")
	if extra != "" || strings.HasSuffix(info, "|") {
		return nil, fmt.Errorf("%w: %q", ErrKeyParams, info)
	}
	key, err := decodeKey(keySalt)
	if err != nil {
		return nil, fmt.Errorf("%w: key: %w", ErrMalformedCrypto, err)
	}
	si, _ := lookupSuite(suite)
	if len(key) != si.keyLen+si.saltLen {
		return nil, fmt.Errorf("%w: %s key of %d bytes, want %d", ErrMalformedCrypto, suite, len(key), si.keyLen+si.saltLen)
	}
	return key, nil
}

// decodeKey reads base64 with or without padding: some stacks drop it.
func decodeKey(s string) ([]byte, error) {
	if strings.Contains(s, "=") {
		return base64.StdEncoding.DecodeString(s)
	}
	return base64.RawStdEncoding.DecodeString(s)
}

// String is the a=crypto value for c.
func (c Crypto) String() string {
	return strconv.Itoa(c.Tag) + " " + string(c.Suite) + " inline:" + base64.StdEncoding.EncodeToString(c.Key)
}

// valid tells whether c is a line we can key with.
func (c Crypto) valid() bool {
	info, ok := lookupSuite(c.Suite)
	return ok && c.Tag >= 0 && c.Tag <= maxTag && len(c.Key) == info.keyLen+info.saltLen
}

// Choose picks the first offered line (offer order, as RFC 4568 asks of
// an answerer) whose suite we support, and our answering line: same tag
// and suite, fresh key.
func Choose(offered []Crypto) (remote, local Crypto, err error) {
	for _, c := range offered {
		if !c.valid() {
			continue
		}
		local, err := NewCrypto(c.Tag, c.Suite)
		if err != nil {
			return Crypto{}, Crypto{}, err
		}
		return c, local, nil
	}
	return Crypto{}, Crypto{}, fmt.Errorf("%w: %d lines offered", ErrNoCommonSuite, len(offered))
}
