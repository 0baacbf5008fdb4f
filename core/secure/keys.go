package secure

import (
	"fmt"

	"github.com/pion/srtp/v3"
)

// Keys are the SRTP master keys of one stream: ours protect what we send,
// the remote ones what we receive.
type Keys struct {
	Profile    srtp.ProtectionProfile
	LocalKey   []byte
	LocalSalt  []byte
	RemoteKey  []byte
	RemoteSalt []byte
}

// SDESKeys turns the two a=crypto lines of an SDES exchange into Keys;
// both must name the same suite.
func SDESKeys(local, remote Crypto) (Keys, error) {
	if local.Suite != remote.Suite {
		return Keys{}, fmt.Errorf("%w: local %s, remote %s", ErrNoCommonSuite, local.Suite, remote.Suite)
	}
	for _, c := range []Crypto{local, remote} {
		if !c.valid() {
			return Keys{}, fmt.Errorf("%w: %s key of %d bytes", ErrMalformedCrypto, c.Suite, len(c.Key))
		}
	}
	info, _ := lookupSuite(local.Suite)
	clone := func(b []byte) []byte { return append([]byte(nil), b...) }
	return Keys{
		Profile:    info.profile,
		LocalKey:   clone(local.Key[:info.keyLen]),
		LocalSalt:  clone(local.Key[info.keyLen:]),
		RemoteKey:  clone(remote.Key[:info.keyLen]),
		RemoteSalt: clone(remote.Key[info.keyLen:]),
	}, nil
}

// check tells whether the key sizes fit the profile, so a bad Keys fails
// at SetKeys rather than on the first packet.
func (k Keys) check() error {
	keyLen, err := k.Profile.KeyLen()
	if err != nil {
		return fmt.Errorf("secure: profile %v: %w", k.Profile, err)
	}
	saltLen, err := k.Profile.SaltLen()
	if err != nil {
		return fmt.Errorf("secure: profile %v: %w", k.Profile, err)
	}
	if len(k.LocalKey) != keyLen || len(k.RemoteKey) != keyLen ||
		len(k.LocalSalt) != saltLen || len(k.RemoteSalt) != saltLen {
		return fmt.Errorf("secure: %v wants %d-byte keys and %d-byte salts", k.Profile, keyLen, saltLen)
	}
	return nil
}
