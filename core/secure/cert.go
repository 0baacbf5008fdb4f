package secure

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"sync"
	"time"
)

// certValidity is how long a certificate lives. Peers check the
// fingerprint, not dates, but some reject expired certificates, and a
// phone may run for months.
const certValidity = 2 * 365 * 24 * time.Hour

// Certificate is our self-signed DTLS certificate (ECDSA P-256); one per
// phone serves every call, its fingerprint going into each SDP.
type Certificate struct {
	tls tls.Certificate
	fp  Fingerprint
}

// NewCertificate makes a fresh key pair and self-signed certificate.
func NewCertificate() (*Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("secure: certificate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("secure: certificate serial: %w", err)
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "softphone"},
		NotBefore:    now.Add(-24 * time.Hour), // tolerate a peer's slow clock
		NotAfter:     now.Add(certValidity),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("secure: certificate: %w", err)
	}
	fp, _ := fingerprintOf("sha-256", der)
	return &Certificate{
		tls: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key},
		fp:  fp,
	}, nil
}

// Fingerprint is the certificate's sha-256 fingerprint, for a=fingerprint.
func (c *Certificate) Fingerprint() Fingerprint {
	return Fingerprint{Hash: c.fp.Hash, Value: append([]byte(nil), c.fp.Value...)}
}

// CertSource makes a certificate on first use and keeps it; the zero value
// is ready. A phone that never meets DTLS never pays for the key.
type CertSource struct {
	once sync.Once
	cert *Certificate
	err  error
}

// Get is the certificate, made on the first call.
func (s *CertSource) Get() (*Certificate, error) {
	s.once.Do(func() { s.cert, s.err = NewCertificate() })
	return s.cert, s.err
}
