package sip

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

var serial int64 = 100

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newCA(t *testing.T, name string) *testCA {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(serial),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &testCA{cert, key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// leaf issues a server certificate for names (DNS names or IP literals).
func (ca *testCA) leaf(t *testing.T, names ...string) tls.Certificate {
	t.Helper()
	key := newKey(t)
	serial++
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: names[0]},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func (ca *testCA) file(t *testing.T) string {
	t.Helper()
	return writeTemp(t, "ca.pem", ca.pem)
}

func writeTemp(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// tlsServer accepts TLS on a loopback port with cert until the test ends.
func tlsServer(t *testing.T, cert tls.Certificate) string {
	t.Helper()
	l, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.SetDeadline(time.Now().Add(5 * time.Second))
				c.(*tls.Conn).Handshake()
				c.Close()
			}()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		wg.Wait()
	})
	return l.Addr().String()
}

// dial does a TLS handshake with conf against addr, presenting serverName.
func dial(conf *tls.Config, addr, serverName string) error {
	c := conf.Clone()
	c.ServerName = serverName
	d := tls.Dialer{NetDialer: &net.Dialer{Timeout: 5 * time.Second}, Config: c}
	conn, err := d.Dial("tcp", addr)
	if err != nil {
		return err
	}
	return conn.Close()
}

func mustTLSConfig(t *testing.T, p TLSPolicy) *tls.Config {
	t.Helper()
	conf, err := TLSConfig(p)
	if err != nil {
		t.Fatalf("TLSConfig(%+v): %v", p, err)
	}
	if conf.MinVersion < tls.VersionTLS12 {
		t.Errorf("MinVersion %x", conf.MinVersion)
	}
	return conf
}

func TestTLSConfigRejectsIPInsecureHost(t *testing.T) {
	for _, hosts := range [][]string{{"127.0.0.1"}, {"::1"}, {"sip.example.com", "192.0.2.1"}} {
		if _, err := TLSConfig(TLSPolicy{InsecureHosts: hosts}); err == nil {
			t.Errorf("InsecureHosts %v accepted", hosts)
		}
	}
}

func TestTLSConfigBadCAFile(t *testing.T) {
	key := newKey(t)
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	for name, path := range map[string]string{
		"missing":  filepath.Join(t.TempDir(), "nope.pem"),
		"empty":    writeTemp(t, "empty.pem", nil),
		"not pem":  writeTemp(t, "junk.pem", []byte("this is not a certificate\n")),
		"key only": writeTemp(t, "key.pem", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der})),
	} {
		if _, err := TLSConfig(TLSPolicy{CAFiles: []string{path}}); err == nil {
			t.Errorf("%s ca_file accepted", name)
		}
	}
}

func TestTLSConfigVerifiesAgainstCAFile(t *testing.T) {
	ca := newCA(t, "Test CA")
	addr := tlsServer(t, ca.leaf(t, "localhost"))

	conf := mustTLSConfig(t, TLSPolicy{CAFiles: []string{ca.file(t)}})
	if err := dial(conf, addr, "localhost"); err != nil {
		t.Errorf("localhost with its CA in ca_file: %v", err)
	}
	if err := dial(conf, addr, "other.example"); err == nil {
		t.Error("a certificate for localhost was accepted for other.example")
	}
	// Without the CA file, the system roots do not know the CA.
	if err := dial(mustTLSConfig(t, TLSPolicy{}), addr, "localhost"); err == nil {
		t.Error("a certificate from an unknown CA was accepted")
	}
}

func TestTLSConfigInsecureHosts(t *testing.T) {
	trusted, unknown := newCA(t, "Trusted CA"), newCA(t, "Unknown CA")
	rogue := tlsServer(t, unknown.leaf(t, "localhost", "other.example"))
	good := tlsServer(t, trusted.leaf(t, "other.example"))

	conf := mustTLSConfig(t, TLSPolicy{CAFiles: []string{trusted.file(t)}, InsecureHosts: []string{"localhost"}})
	if err := dial(conf, rogue, "localhost"); err != nil {
		t.Errorf("insecure host localhost: %v", err)
	}
	if err := dial(conf, rogue, "other.example"); err == nil {
		t.Error("other.example is verified, yet its unknown-CA certificate was accepted")
	}
	if err := dial(conf, good, "other.example"); err != nil {
		t.Errorf("other.example with a trusted certificate: %v", err)
	}
	if err := dial(conf, good, "third.example"); err == nil {
		t.Error("a certificate for other.example was accepted for third.example")
	}
	// The opt-out is per name, not per server.
	if err := dial(mustTLSConfig(t, TLSPolicy{InsecureHosts: []string{"elsewhere.example"}}), rogue, "localhost"); err == nil {
		t.Error("localhost is not an insecure host, yet its certificate was accepted")
	}
}

// A server reached by IP address (proxy = "192.0.2.1:5061") with an IP SAN
// in a trusted certificate verifies when no account skips verification; an
// unrelated account's tls_insecure_skip_verify must not change that.
func TestTLSConfigInsecureHostsKeepIPVerification(t *testing.T) {
	ca := newCA(t, "Test CA")
	addr := tlsServer(t, ca.leaf(t, "127.0.0.1"))
	caFile := ca.file(t)
	if err := dial(mustTLSConfig(t, TLSPolicy{CAFiles: []string{caFile}, IPHosts: []string{"127.0.0.1"}}), addr, "127.0.0.1"); err != nil {
		t.Fatalf("by IP without insecure hosts: %v", err)
	}
	conf := mustTLSConfig(t, TLSPolicy{CAFiles: []string{caFile}, InsecureHosts: []string{"other.example"}, IPHosts: []string{"127.0.0.1"}})
	if err := dial(conf, addr, "127.0.0.1"); err != nil {
		t.Fatalf("by IP with another host insecure: %v", err)
	}
	// A trusted certificate for another address is still refused.
	conf = mustTLSConfig(t, TLSPolicy{CAFiles: []string{caFile}, InsecureHosts: []string{"other.example"}, IPHosts: []string{"192.0.2.1"}})
	if err := dial(conf, addr, "127.0.0.1"); err == nil {
		t.Fatal("a certificate for 127.0.0.1 was accepted for the configured 192.0.2.1")
	}
}
