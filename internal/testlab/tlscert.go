package testlab

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// TLSFiles are the PEM files written by WriteTestCerts.
type TLSFiles struct {
	CAFile   string // the test CA certificate (trust anchor for clients)
	CertFile string // server certificate (leaf), signed by the CA
	KeyFile  string // server private key (PKCS#8)
}

// WriteTestCerts generates a throw-away CA and a server certificate signed by
// it, both ECDSA P-256 and valid for one day, and writes them as PEM into dir.
// The server certificate has the SANs IP 127.0.0.1 and DNS localhost.
func WriteTestCerts(dir string) (TLSFiles, error) {
	return writeCerts(dir, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth})
}

// WriteCodeSigningCerts is WriteTestCerts with a leaf for signing code
// (Authenticode) instead of a server.
func WriteCodeSigningCerts(dir string) (TLSFiles, error) {
	return writeCerts(dir, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning})
}

func writeCerts(dir string, usage []x509.ExtKeyUsage) (TLSFiles, error) {
	now := time.Now().Add(-time.Hour) // tolerate small clock skew
	notAfter := now.Add(25 * time.Hour)

	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return TLSFiles{}, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          randSerial(),
		Subject:               pkix.Name{CommonName: "softphone test CA", Organization: []string{"softphone testlab"}},
		NotBefore:             now,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return TLSFiles{}, fmt.Errorf("create CA certificate: %w", err)
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return TLSFiles{}, err
	}

	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return TLSFiles{}, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: randSerial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"softphone testlab"}},
		NotBefore:    now,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  usage,
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &key.PublicKey, caKey)
	if err != nil {
		return TLSFiles{}, fmt.Errorf("create server certificate: %w", err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return TLSFiles{}, err
	}

	files := TLSFiles{
		CAFile:   filepath.Join(dir, "ca.pem"),
		CertFile: filepath.Join(dir, "server.pem"),
		KeyFile:  filepath.Join(dir, "server.key"),
	}
	if err := writePEM(files.CAFile, "CERTIFICATE", caDER, 0o644); err != nil {
		return TLSFiles{}, err
	}
	if err := writePEM(files.CertFile, "CERTIFICATE", leafDER, 0o644); err != nil {
		return TLSFiles{}, err
	}
	if err := writePEM(files.KeyFile, "PRIVATE KEY", keyDER, 0o600); err != nil {
		return TLSFiles{}, err
	}
	return files, nil
}

func randSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return n.Add(n, big.NewInt(1))
}

func writePEM(path, typ string, der []byte, mode os.FileMode) error {
	data := pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
	return os.WriteFile(path, data, mode)
}
