package secure

import (
	"crypto/sha1" // RFC 8122 peers may still send sha-1: we check it, never pick it
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// ErrMalformedFingerprint: not an a=fingerprint value we can check.
var ErrMalformedFingerprint = errors.New("secure: malformed fingerprint")

// Fingerprint is an a=fingerprint (RFC 8122): a hash of the peer's DER
// certificate. Hash is lower case: sha-1, sha-224, sha-256, sha-384 or
// sha-512.
type Fingerprint struct {
	Hash  string
	Value []byte
}

func newHash(name string) (hash.Hash, bool) {
	switch name {
	case "sha-1":
		return sha1.New(), true
	case "sha-224":
		return sha256.New224(), true
	case "sha-256":
		return sha256.New(), true
	case "sha-384":
		return sha512.New384(), true
	case "sha-512":
		return sha512.New(), true
	}
	return nil, false
}

// fingerprintOf hashes a DER certificate with the named hash.
func fingerprintOf(hashName string, der []byte) (Fingerprint, bool) {
	h, ok := newHash(hashName)
	if !ok {
		return Fingerprint{}, false
	}
	h.Write(der)
	return Fingerprint{Hash: hashName, Value: h.Sum(nil)}, true
}

// ParseFingerprint parses "sha-256 AB:CD:..." (hash name in any case, hex
// digits upper or lower case).
func ParseFingerprint(value string) (Fingerprint, error) {
	f := strings.Fields(value)
	if len(f) != 2 {
		return Fingerprint{}, fmt.Errorf("%w: %q", ErrMalformedFingerprint, value)
	}
	name := strings.ToLower(f[0])
	h, ok := newHash(name)
	if !ok {
		return Fingerprint{}, fmt.Errorf("%w: hash %q", ErrMalformedFingerprint, f[0])
	}
	parts := strings.Split(f[1], ":")
	if len(parts) != h.Size() {
		return Fingerprint{}, fmt.Errorf("%w: %d octets for %s", ErrMalformedFingerprint, len(parts), name)
	}
	v := make([]byte, len(parts))
	for i, p := range parts {
		if len(p) != 2 {
			return Fingerprint{}, fmt.Errorf("%w: octet %q", ErrMalformedFingerprint, p)
		}
		if _, err := hex.Decode(v[i:i+1], []byte(p)); err != nil {
			return Fingerprint{}, fmt.Errorf("%w: octet %q", ErrMalformedFingerprint, p)
		}
	}
	return Fingerprint{Hash: name, Value: v}, nil
}

// String is the a=fingerprint value: "sha-256 AB:CD:...".
func (f Fingerprint) String() string {
	var b strings.Builder
	b.WriteString(f.Hash)
	b.WriteByte(' ')
	for i, c := range f.Value {
		if i > 0 {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, "%02X", c)
	}
	return b.String()
}

// matches tells whether der is the certificate f names.
func (f Fingerprint) matches(der []byte) bool {
	got, ok := fingerprintOf(f.Hash, der)
	return ok && len(f.Value) == len(got.Value) && subtle.ConstantTimeCompare(f.Value, got.Value) == 1
}
