package api

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// DefaultListen is where `softphone serve` listens when nothing is
// configured.
const DefaultListen = "127.0.0.1:8765"

// UnixPath is the socket path of a listen address that names one
// ("unix:/path" or an absolute path); "" for host:port.
func UnixPath(addr string) string {
	if p, ok := strings.CutPrefix(addr, "unix:"); ok {
		return p
	}
	if filepath.IsAbs(addr) {
		return addr
	}
	return ""
}

// ListenOptions are how one API listener is opened.
type ListenOptions struct {
	// TLSCert and TLSKey are PEM files; both set: the listener speaks
	// TLS (required beyond loopback).
	TLSCert, TLSKey string
}

// Listen opens addr: a unix socket (only its owner may connect) or TCP,
// with TLS when o names a certificate. Whether addr may be opened at
// all (loopback, allow_remote) is config.CheckAPIListen's to say.
func Listen(addr string, o ListenOptions) (net.Listener, error) {
	if p := UnixPath(addr); p != "" {
		return listenUnix(p)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("api: listen %s: %w", addr, err)
	}
	if o.TLSCert == "" && o.TLSKey == "" {
		return ln, nil
	}
	cert, err := tls.LoadX509KeyPair(o.TLSCert, o.TLSKey)
	if err != nil {
		ln.Close()
		return nil, fmt.Errorf("api: TLS certificate: %w", err)
	}
	return tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}), nil
}

// ErrInUse means another live process serves the socket.
var ErrInUse = errors.New("api: the socket is in use by another process")

// listenUnix listens at path, replacing a socket left by a process that
// died, never one still served.
func listenUnix(path string) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("api: %w", err)
	}
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return nil, fmt.Errorf("%w: %s", ErrInUse, path)
	} else if errors.Is(err, syscall.ECONNREFUSED) {
		os.Remove(path) // stale: its process is gone
	}
	// The socket is created private: connecting needs write permission.
	old := umask(0o177)
	ln, err := net.Listen("unix", path)
	umask(old)
	if err != nil {
		return nil, fmt.Errorf("api: listen %s: %w", path, err)
	}
	ln.(*net.UnixListener).SetUnlinkOnClose(true)
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("api: %w", err)
	}
	return ln, nil
}
