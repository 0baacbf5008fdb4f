package secure

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"

	"github.com/pion/dtls/v4"
	"github.com/pion/dtls/v4/pkg/protocol"
	"github.com/pion/srtp/v3"
	"github.com/softphone/softphone/core/pionlog"
)

// ErrFingerprintMismatch: the peer's DTLS certificate is not the one its
// SDP a=fingerprint names; the media may be intercepted.
var ErrFingerprintMismatch = errors.New("secure: DTLS certificate does not match the fingerprint")

// srtpProfiles are the DTLS-SRTP profiles we offer, most preferred first.
// The server's preference wins (OpenSSL and pion alike), so this order
// only decides when we are the server: AES_CM_128_HMAC_SHA1_80 first, the
// profile baresip 1.0 picks when it is the server and the one seen to
// work with it; AEAD_AES_128_GCM is taken from peers that offer nothing
// else we speak.
func srtpProfiles() []dtls.SRTPProtectionProfile {
	return []dtls.SRTPProtectionProfile{
		dtls.SRTP_AES128_CM_HMAC_SHA1_80,
		dtls.SRTP_AEAD_AES_128_GCM,
		dtls.SRTP_AES128_CM_HMAC_SHA1_32,
	}
}

func srtpProfile(p dtls.SRTPProtectionProfile) (srtp.ProtectionProfile, bool) {
	switch p {
	case dtls.SRTP_AES128_CM_HMAC_SHA1_80:
		return srtp.ProtectionProfileAes128CmHmacSha1_80, true
	case dtls.SRTP_AES128_CM_HMAC_SHA1_32:
		return srtp.ProtectionProfileAes128CmHmacSha1_32, true
	case dtls.SRTP_AEAD_AES_128_GCM:
		return srtp.ProtectionProfileAeadAes128Gcm, true
	}
	return 0, false
}

// Session is an established DTLS association; it lives as long as the
// call, answering the peer's retransmissions and alerts.
type Session struct {
	conn    *dtls.Conn
	profile srtp.ProtectionProfile
	drained chan struct{} // closed when the read loop ends
}

// Close sends close_notify and closes the connection Handshake was given.
func (s *Session) Close() error {
	err := s.conn.Close()
	<-s.drained
	return err
}

// Profile names the negotiated SRTP profile, e.g. SRTP_AES128_CM_HMAC_SHA1_80.
func (s *Session) Profile() string { return s.profile.String() }

// drain reads the association until it closes. Nothing but handshake and
// alert records is expected, but someone must read for pion to answer a
// peer that retransmits its last flight because ours was lost.
func (s *Session) drain() {
	defer close(s.drained)
	buf := make([]byte, 1500)
	for {
		if _, err := s.conn.Read(buf); err != nil {
			return
		}
	}
}

// Handshake runs DTLS over conn, which must carry only this stream's DTLS
// records; as client when client is true (the a=setup:active side). The
// peer's certificate must match remote, else ErrFingerprintMismatch. It
// returns our SRTP keys (RFC 5764 section 4.2) and the session, which the
// caller closes at hang-up. Handshake owns conn from then on: the session
// closes it, and so does a failed handshake.
//
// DTLS 1.2 only: it is what SIP peers (OpenSSL based) speak, and the
// version RFC 5764 keying is defined for. pion's own logs go to log at
// Debug (nil: slog.Default()).
func Handshake(ctx context.Context, conn net.Conn, cert *Certificate, remote Fingerprint, client bool, log *slog.Logger) (Keys, *Session, error) {
	if log == nil {
		log = slog.Default()
	}
	if cert == nil {
		conn.Close()
		return Keys{}, nil, errors.New("secure: no certificate")
	}
	if _, ok := newHash(remote.Hash); !ok || len(remote.Value) == 0 {
		conn.Close()
		return Keys{}, nil, fmt.Errorf("%w: %q", ErrMalformedFingerprint, remote.Hash)
	}
	var mismatch atomic.Bool
	verify := func(raw [][]byte, _ [][]*x509.Certificate) error {
		if len(raw) == 0 || !remote.matches(raw[0]) {
			mismatch.Store(true)
			return ErrFingerprintMismatch
		}
		return nil
	}
	common := []dtls.Option{
		dtls.WithCertificates(cert.tls),
		dtls.WithSRTPProtectionProfiles(srtpProfiles()...),
		// Self-signed certificates: the fingerprint check replaces
		// chain verification.
		dtls.WithInsecureSkipVerify(true),
		dtls.WithVerifyPeerCertificate(verify),
		dtls.WithMaxVersion(protocol.Version1_2),
		dtls.WithLoggerFactory(pionlog.Factory(log.With("component", "dtls"))),
	}
	pc := packetConn{conn}
	var dc *dtls.Conn
	var err error
	if client {
		opts := make([]dtls.ClientOption, 0, len(common))
		for _, o := range common {
			opts = append(opts, o)
		}
		dc, err = dtls.Client(pc, pc.remote(), opts...)
	} else {
		opts := make([]dtls.ServerOption, 0, len(common)+1)
		for _, o := range common {
			opts = append(opts, o)
		}
		opts = append(opts, dtls.WithClientAuth(dtls.RequireAnyClientCert))
		dc, err = dtls.Server(pc, pc.remote(), opts...)
	}
	if err != nil {
		conn.Close()
		return Keys{}, nil, fmt.Errorf("secure: dtls: %w", err)
	}
	keys, profile, err := establish(ctx, dc, remote, client, &mismatch)
	if err != nil {
		dc.Close()
		return Keys{}, nil, err
	}
	s := &Session{conn: dc, profile: profile, drained: make(chan struct{})}
	go s.drain()
	return keys, s, nil
}

// establish completes the handshake and exports the keys.
func establish(ctx context.Context, dc *dtls.Conn, remote Fingerprint, client bool, mismatch *atomic.Bool) (Keys, srtp.ProtectionProfile, error) {
	if err := dc.HandshakeContext(ctx); err != nil {
		switch {
		case mismatch.Load():
			return Keys{}, 0, fmt.Errorf("%w: want %s", ErrFingerprintMismatch, remote)
		case ctx.Err() != nil:
			return Keys{}, 0, fmt.Errorf("secure: dtls handshake: %w", ctx.Err())
		}
		return Keys{}, 0, fmt.Errorf("secure: dtls handshake: %w", err)
	}
	state, ok := dc.ConnectionState()
	// Checked again here so no handshake path can skip the callback.
	if !ok || len(state.PeerCertificates) == 0 || !remote.matches(state.PeerCertificates[0]) {
		return Keys{}, 0, fmt.Errorf("%w: want %s", ErrFingerprintMismatch, remote)
	}
	selected, ok := dc.SelectedSRTPProtectionProfile()
	if !ok {
		return Keys{}, 0, fmt.Errorf("%w: peer negotiated no SRTP profile", ErrNoCommonSuite)
	}
	profile, ok := srtpProfile(selected)
	if !ok {
		return Keys{}, 0, fmt.Errorf("%w: SRTP profile %#04x", ErrNoCommonSuite, uint16(selected))
	}
	cfg := srtp.Config{Profile: profile}
	if err := cfg.ExtractSessionKeysFromDTLS(&state, client); err != nil {
		return Keys{}, 0, fmt.Errorf("secure: dtls-srtp keys: %w", err)
	}
	return Keys{
		Profile:    profile,
		LocalKey:   cfg.Keys.LocalMasterKey,
		LocalSalt:  cfg.Keys.LocalMasterSalt,
		RemoteKey:  cfg.Keys.RemoteMasterKey,
		RemoteSalt: cfg.Keys.RemoteMasterSalt,
	}, profile, nil
}

// packetConn presents a connected net.Conn as the net.PacketConn pion
// wants: every datagram comes from, and goes to, the one peer.
type packetConn struct{ net.Conn }

func (p packetConn) ReadFrom(b []byte) (int, net.Addr, error) {
	n, err := p.Read(b)
	return n, p.remote(), err
}

func (p packetConn) WriteTo(b []byte, _ net.Addr) (int, error) { return p.Write(b) }

// remote is the peer's address, or a stand-in for conns without one
// (a demultiplexed ICE path): pion needs a non-nil address.
func (p packetConn) remote() net.Addr {
	if a := p.RemoteAddr(); a != nil {
		return a
	}
	return peerAddr{}
}

type peerAddr struct{}

func (peerAddr) Network() string { return "dtls-peer" }
func (peerAddr) String() string  { return "peer" }
