package sip

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// TLSPolicy is what the accounts ask of TLS servers.
type TLSPolicy struct {
	CAFiles []string // extra trusted CAs (PEM), on top of the system roots
	// InsecureHosts are server names whose certificate is not verified,
	// because an account said so with tls_insecure_skip_verify.
	InsecureHosts []string
	// IPHosts are the IP-literal TLS servers the accounts use. Go does not
	// tell VerifyConnection which IP it dialled, so a server reached by IP
	// must show a certificate naming one of these.
	IPHosts []string
}

// TLSTrust verifies TLS servers against a policy that can change while
// connections are made (accounts edited in the window): the one
// tls.Config it hands out reads the current policy at each handshake.
type TLSTrust struct {
	state atomic.Pointer[trustState]
}

type trustState struct {
	// roots is built at the first handshake: the system store takes tens
	// of milliseconds and a few MB to load, and most accounts never use TLS.
	roots    func() *x509.CertPool
	insecure []string
	ips      []net.IP
}

// NewTLSTrust prepares verification for policy.
func NewTLSTrust(policy TLSPolicy) (*TLSTrust, error) {
	t := &TLSTrust{}
	return t, t.Update(policy)
}

// Update switches to a new policy; on error the old one stays.
func (t *TLSTrust) Update(policy TLSPolicy) error {
	// CA files are read and checked now, so a bad one is reported with
	// the settings that named it.
	var pems [][]byte
	for _, f := range policy.CAFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return fmt.Errorf("sip: ca_file: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return fmt.Errorf("sip: ca_file %s: no PEM certificate", f)
		}
		pems = append(pems, pem)
	}
	roots := sync.OnceValue(func() *x509.CertPool {
		roots, err := x509.SystemCertPool()
		if err != nil || roots == nil {
			roots = x509.NewCertPool()
		}
		for _, pem := range pems {
			roots.AppendCertsFromPEM(pem)
		}
		return roots
	})
	for _, h := range policy.InsecureHosts {
		if net.ParseIP(h) != nil {
			// Go does not report an IP-literal server name to
			// VerifyConnection, so we could not tell this server from others.
			return fmt.Errorf("sip: tls_insecure_skip_verify needs a host name, not the address %s: give its certificate in ca_file instead", h)
		}
	}
	st := &trustState{roots: roots, insecure: slices.Clone(policy.InsecureHosts)}
	for _, h := range policy.IPHosts {
		if ip := net.ParseIP(h); ip != nil {
			st.ips = append(st.ips, ip)
		}
	}
	t.state.Store(st)
	return nil
}

// Config is the client configuration that verifies with the current policy.
// Go's own check is replaced by the same check in VerifyConnection so that
// the policy can change and named hosts can opt out; every other host is
// verified against the system roots and the accounts' CA files.
func (t *TLSTrust) Config() *tls.Config {
	return &tls.Config{
		MinVersion:         tls.VersionTLS12,
		InsecureSkipVerify: true, // replaced by VerifyConnection
		VerifyConnection:   t.verify,
	}
}

func (t *TLSTrust) verify(cs tls.ConnectionState) error {
	st := t.state.Load()
	if cs.ServerName != "" && slices.Contains(st.insecure, cs.ServerName) {
		return nil
	}
	if len(cs.PeerCertificates) == 0 {
		return errors.New("sip: tls: server sent no certificate")
	}
	leaf := cs.PeerCertificates[0]
	inter := x509.NewCertPool()
	for _, c := range cs.PeerCertificates[1:] {
		inter.AddCert(c)
	}
	if cs.ServerName == "" {
		// Reached by IP: the chain must verify and name one of our IP servers.
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: st.roots(), Intermediates: inter}); err != nil {
			return fmt.Errorf("sip: tls: certificate: %w", err)
		}
		for _, ip := range st.ips {
			if leaf.VerifyHostname(ip.String()) == nil {
				return nil
			}
		}
		return errors.New("sip: tls: certificate names none of the configured server addresses")
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: cs.ServerName, Roots: st.roots(), Intermediates: inter}); err != nil {
		return fmt.Errorf("sip: tls: certificate of %s: %w", cs.ServerName, err)
	}
	return nil
}

// TLSConfig builds a client configuration for a fixed policy.
func TLSConfig(policy TLSPolicy) (*tls.Config, error) {
	t, err := NewTLSTrust(policy)
	if err != nil {
		return nil, err
	}
	return t.Config(), nil
}
