package sip

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
)

// TLSPolicy is what the accounts ask of TLS servers.
type TLSPolicy struct {
	CAFiles []string // extra trusted CAs (PEM), on top of the system roots
	// InsecureHosts are server names whose certificate is not verified,
	// because an account said so with tls_insecure_skip_verify.
	InsecureHosts []string
	// IPHosts are the IP-literal TLS servers the accounts use. Go does not
	// tell VerifyConnection which IP it dialled, so when InsecureHosts is
	// set, a server reached by IP must show a certificate naming one of these.
	IPHosts []string
}

// TLSConfig builds the client configuration for policy: verification on,
// against the system roots and the accounts' CA files, for every host not
// named in InsecureHosts.
func TLSConfig(policy TLSPolicy) (*tls.Config, error) {
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	for _, f := range policy.CAFiles {
		pem, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("sip: ca_file: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("sip: ca_file %s: no PEM certificate", f)
		}
	}
	conf := &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: roots}
	if len(policy.InsecureHosts) == 0 {
		return conf, nil
	}
	for _, h := range policy.InsecureHosts {
		if net.ParseIP(h) != nil {
			// Go does not report an IP-literal server name to
			// VerifyConnection, so we could not tell this server from others.
			return nil, fmt.Errorf("sip: tls_insecure_skip_verify needs a host name, not the address %s: give its certificate in ca_file instead", h)
		}
	}
	insecure := slices.Clone(policy.InsecureHosts)
	var ips []net.IP
	for _, h := range policy.IPHosts {
		if ip := net.ParseIP(h); ip != nil {
			ips = append(ips, ip)
		}
	}
	// Go's own check is replaced by the same check in VerifyConnection only
	// so that the named hosts can opt out; every other host is verified.
	conf.InsecureSkipVerify = true
	conf.VerifyConnection = func(cs tls.ConnectionState) error {
		if slices.Contains(insecure, cs.ServerName) {
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
			if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter}); err != nil {
				return fmt.Errorf("sip: tls: certificate: %w", err)
			}
			for _, ip := range ips {
				if leaf.VerifyHostname(ip.String()) == nil {
					return nil
				}
			}
			return errors.New("sip: tls: certificate names none of the configured server addresses")
		}
		if _, err := leaf.Verify(x509.VerifyOptions{DNSName: cs.ServerName, Roots: roots, Intermediates: inter}); err != nil {
			return fmt.Errorf("sip: tls: certificate of %s: %w", cs.ServerName, err)
		}
		return nil
	}
	return conf, nil
}
