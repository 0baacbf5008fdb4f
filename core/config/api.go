package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
)

// API holds the local HTTP API's settings.
type API struct {
	// Listen is "host:port" or a unix socket ("unix:/path", or an
	// absolute path); "" is no API. See CheckAPIListen.
	Listen string
	// AllowRemote lets Listen be other than loopback; it needs TLS.
	AllowRemote bool
	// TLSCert and TLSKey are PEM files (relative to the configuration
	// file's directory); both or neither.
	TLSCert, TLSKey string
}

var apiKeys = []string{"listen", "allow_remote", "tls_cert", "tls_key"}

// HasTLS reports whether the API serves TLS.
func (a API) HasTLS() bool { return a.TLSCert != "" && a.TLSKey != "" }

// CheckAPIListen checks where the local API listens. listen is
// "host:port" or a unix socket ("unix:/path", or an absolute path).
// Loopback hosts (127.0.0.0/8, ::1, "localhost") and unix sockets are
// fine; any other host, and an empty one (all interfaces), only when
// remote access is allowed and TLS is set: the API answers calls and
// reads the history, which must not cross a network in the clear or be
// open to it by a typo.
func CheckAPIListen(listen string, allowRemote, hasTLS bool) error {
	if msg := checkControls(listen); msg != "" {
		return fmt.Errorf("api listen address %s", msg)
	}
	if path, ok := unixSocket(listen); ok {
		if path == "" || !filepath.IsAbs(path) {
			return fmt.Errorf("api listen address %q: a unix socket needs an absolute path (unix:/path)", listen)
		}
		return nil
	}
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("api listen address %q must be host:port, unix:/path or an absolute path", listen)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("api listen address %q: port must be a number from 0 to 65535", listen)
	}
	if loopback(host) {
		return nil
	}
	if allowRemote && hasTLS {
		if host != "" && !strings.Contains(host, "%") {
			if msg := checkHost(host); msg != "" {
				return fmt.Errorf("api listen address %q: %s", listen, msg)
			}
		}
		return nil
	}
	where := fmt.Sprintf("host %q", host)
	if host == "" {
		where = "all interfaces (no host)"
	}
	return fmt.Errorf("api listen address %q is reachable from other machines (%s): "+
		"listen on loopback (127.0.0.1, ::1, localhost) or a unix socket, "+
		"or allow remote access (allow_remote = true) AND serve TLS (tls_cert and tls_key)", listen, where)
}

// unixSocket reports whether listen names a unix socket, and its path.
func unixSocket(listen string) (string, bool) {
	if p, ok := strings.CutPrefix(listen, "unix:"); ok {
		return p, true
	}
	if filepath.IsAbs(listen) || strings.HasPrefix(listen, "/") {
		return listen, true
	}
	return "", false
}

func loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	addr, err := netip.ParseAddr(host)
	return err == nil && addr.Unmap().IsLoopback()
}

func (d *decoder) api(t *node, a *API) {
	d.pos["api"] = t.line
	for _, k := range t.keys {
		v, field := t.vals[k], "api."+k
		switch k {
		case "listen":
			d.str(v, field, &a.Listen)
		case "allow_remote":
			d.boolean(v, field, &a.AllowRemote)
		case "tls_cert":
			d.str(v, field, &a.TLSCert)
		case "tls_key":
			d.str(v, field, &a.TLSKey)
		default:
			d.unknown(v, field, k, apiKeys)
		}
	}
}

// api checks [api], resolving relative TLS files against baseDir.
// Messages name the files, never what they hold.
func (v validator) api(a *API, baseDir string) {
	if a.TLSCert != "" {
		a.TLSCert = resolvePath(baseDir, a.TLSCert)
	}
	if a.TLSKey != "" {
		a.TLSKey = resolvePath(baseDir, a.TLSKey)
	}
	tlsOK := true
	switch {
	case a.TLSCert != "" && a.TLSKey == "":
		v.fail("api", "tls_key", "must be set with tls_cert")
		tlsOK = false
	case a.TLSKey != "" && a.TLSCert == "":
		v.fail("api", "tls_cert", "must be set with tls_key")
		tlsOK = false
	case a.HasTLS():
		if msg := checkPEMFile(a.TLSCert, "certificate file"); msg != "" {
			v.fail("api", "tls_cert", "%s", msg)
			tlsOK = false
		}
		if msg := checkPEMFile(a.TLSKey, "key file"); msg != "" {
			v.fail("api", "tls_key", "%s", msg)
			tlsOK = false
		}
		if tlsOK {
			if _, err := tls.LoadX509KeyPair(a.TLSCert, a.TLSKey); err != nil {
				v.fail("api", "tls_cert", "cannot load %q with key %q: %v", a.TLSCert, a.TLSKey, err)
				tlsOK = false
			}
		}
	}
	if a.Listen != "" {
		if err := CheckAPIListen(a.Listen, a.AllowRemote, a.HasTLS() && tlsOK); err != nil {
			v.fail("api", "listen", "%v", err)
		}
	}
}

// checkPEMFile requires a readable regular file.
func checkPEMFile(path, what string) string {
	f, msg := openRegular(path, what)
	if f != nil {
		f.Close()
	}
	return msg
}

func apiKVs(a API) []kv {
	return []kv{
		optKV("listen", a.Listen),
		boolKV("allow_remote", a.AllowRemote, false),
		optKV("tls_cert", a.TLSCert),
		optKV("tls_key", a.TLSKey),
	}
}
