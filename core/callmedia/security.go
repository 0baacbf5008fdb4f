package callmedia

import (
	"errors"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/nat"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/secure"
)

// Media protection schemes as the user and the history see them.
const (
	SchemeNone = "none"
	SchemeSRTP = "srtp"
	SchemeDTLS = "dtls-srtp"
)

// Modes of Security.Mode, as the account's media_encryption says.
const (
	ModeNone = "none"
	ModeSRTP = "srtp"
	ModeDTLS = "dtls"
)

// ErrEncryptionRequired means the account wants encrypted media and the
// far end (or the signalling) cannot give it: the call fails with this
// reason, 488 to the far end.
var ErrEncryptionRequired = errors.New("media encryption required")

// Security is one call's media protection and NAT settings, from its
// account. The zero value is plain RTP on a plain socket.
type Security struct {
	Mode      string // ModeNone, ModeSRTP or ModeDTLS
	Mandatory bool   // refuse media that is not encrypted
	// SDESKeys: SDES keys may go into this call's SDP (its signalling is
	// TLS, or the account accepts keys over plain signalling).
	SDESKeys bool
	NAT      nat.Config
}

// plan is what a stream protects its media with, settled from our offer
// and the answer, or from the far end's offer.
type plan struct {
	scheme  string
	crypto  secure.Crypto // SDES: ours; the far end's is remote
	remote  secure.Crypto
	fp      secure.Fingerprint // DTLS: the far end's certificate
	client  bool               // DTLS: we are the client (a=setup:active)
	setup   string             // DTLS: our a=setup in an answer
	rtcpMux bool
}

// offerTransport is what our offer says about protection: SDES lines for
// every suite we do, or our fingerprint; a secure profile when mandatory,
// else plain RTP/AVP carrying the attributes (best effort: a plain peer
// ignores them and the call goes on unencrypted, as baresip's srtp mode).
func offerTransport(sec Security, cert *secure.Certificate) (sdp.Transport, []secure.Crypto, error) {
	t := sdp.Transport{Profile: sdp.ProfileAVP, RTCPMux: true}
	switch sec.Mode {
	case ModeSRTP:
		if !sec.SDESKeys {
			if sec.Mandatory {
				return t, nil, fmt.Errorf("%w: SDES keys would travel over unencrypted signalling (use TLS, DTLS, or allow it for the account)", ErrEncryptionRequired)
			}
			return t, nil, nil
		}
		var offered []secure.Crypto
		for i, s := range secure.OfferSuites() {
			c, err := secure.NewCrypto(i+1, s)
			if err != nil {
				return t, nil, err
			}
			offered = append(offered, c)
			t.Crypto = append(t.Crypto, c.String())
		}
		if sec.Mandatory {
			t.Profile = sdp.ProfileSAVP
		}
		return t, offered, nil
	case ModeDTLS:
		if cert == nil {
			return t, nil, errors.New("media: no DTLS certificate")
		}
		t.Fingerprint, t.Setup = cert.Fingerprint().String(), "actpass"
		if sec.Mandatory {
			t.Profile = sdp.ProfileDTLS
		}
	}
	return t, nil, nil
}

// planFromAnswer settles protection from the far end's answer to our offer.
func planFromAnswer(sec Security, offered []secure.Crypto, dtlsOffered bool, r sdp.Transport) (plan, error) {
	p := plan{scheme: SchemeNone, rtcpMux: r.RTCPMux}
	switch {
	case dtlsOffered && r.Fingerprint != "":
		fp, err := secure.ParseFingerprint(r.Fingerprint)
		if err != nil {
			return p, err
		}
		client, err := secure.OffererRole(r.Setup)
		if err != nil {
			return p, err
		}
		p.scheme, p.fp, p.client = SchemeDTLS, fp, client
	case len(offered) > 0 && len(r.Crypto) > 0:
		remote, err := secure.ParseCrypto(r.Crypto[0])
		if err != nil {
			return p, err
		}
		for _, c := range offered {
			if c.Tag == remote.Tag && c.Suite == remote.Suite {
				p.scheme, p.crypto, p.remote = SchemeSRTP, c, remote
				return p, nil
			}
		}
		return p, fmt.Errorf("media: the answer's a=crypto %d %s matches nothing we offered", remote.Tag, remote.Suite)
	}
	if p.scheme == SchemeNone && (sec.Mandatory || sdp.IsSecureProfile(r.Profile)) {
		return p, fmt.Errorf("%w: the far end answered without encryption", ErrEncryptionRequired)
	}
	return p, nil
}

// planFromOffer settles protection for answering the far end's offer,
// whatever our own mode: an encrypted offer is answered encrypted when we
// can, a plain one plainly unless encryption is mandatory for us.
func planFromOffer(sec Security, cert *secure.Certificate, o sdp.Transport) (plan, error) {
	p := plan{scheme: SchemeNone, rtcpMux: o.RTCPMux}
	secureProfile := sdp.IsSecureProfile(o.Profile)
	if o.Fingerprint != "" && cert != nil {
		fp, err := secure.ParseFingerprint(o.Fingerprint)
		if err == nil {
			setup, client, serr := secure.AnswerSetup(o.Setup)
			if serr == nil {
				p.scheme, p.fp, p.setup, p.client = SchemeDTLS, fp, setup, client
				return p, nil
			}
			err = serr
		}
		if secureProfile {
			return p, fmt.Errorf("media: the offer's DTLS attributes: %w", err)
		}
	}
	if len(o.Crypto) > 0 {
		var offered []secure.Crypto
		for _, line := range o.Crypto {
			if c, err := secure.ParseCrypto(line); err == nil {
				offered = append(offered, c)
			}
		}
		remote, local, err := secure.Choose(offered)
		if err == nil {
			p.scheme, p.crypto, p.remote = SchemeSRTP, local, remote
			return p, nil
		}
		if secureProfile {
			return p, fmt.Errorf("media: the offer's a=crypto: %w", err)
		}
	}
	if sec.Mandatory || secureProfile {
		return p, fmt.Errorf("%w: the far end offered no encryption we can use", ErrEncryptionRequired)
	}
	return p, nil
}

// answerTransport is the protection part of our answer under p.
func answerTransport(p plan, cert *secure.Certificate) sdp.Transport {
	t := sdp.Transport{RTCPMux: p.rtcpMux}
	switch p.scheme {
	case SchemeSRTP:
		t.Crypto = []string{p.crypto.String()}
	case SchemeDTLS:
		t.Fingerprint, t.Setup = cert.Fingerprint().String(), p.setup
	}
	return t
}

// keys are the SRTP keys of an SDES plan.
func (p plan) keys() (secure.Keys, error) { return secure.SDESKeys(p.crypto, p.remote) }

// SecurityFor is the media protection and NAT settings of a call on acct.
func SecurityFor(acct config.Account) Security {
	return Security{
		Mode:      acct.EncryptionMode(),
		Mandatory: acct.EncryptionMandatory,
		SDESKeys:  acct.OffersSDESKeys(),
		NAT: nat.Config{
			ICE: acct.ICEOn(), STUN: acct.STUNAddr(), TURN: acct.TURNAddr(),
			TURNUser: acct.TURNUsername, TURNPass: acct.TURNPassword, RelayOnly: acct.ICERelayOnly,
		},
	}
}

// Mandatory reports whether the call must have encrypted media.
func (s *Stream) Mandatory() bool { return s.sec.Mandatory }

// KeyNotice is the warning for an account whose SDES keys travel over
// unencrypted signalling (the account allows it), or "".
func KeyNotice(a config.Account) string {
	if !a.OffersSDESKeys() || strings.EqualFold(a.Transport, "tls") {
		return ""
	}
	tr := a.Transport
	if tr == "" {
		tr = "udp"
	}
	return fmt.Sprintf("account %q: media keys (SDES) go over unencrypted %s signalling: anyone who sees it can decrypt the calls; use TLS or DTLS-SRTP", a.Name, tr)
}
