package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/softphone/softphone/internal/testlab"
)

func TestCheckAPIListen(t *testing.T) {
	// An absolute path is the system's: a drive and a backslash on
	// Windows, where a path from the root of the current drive is not.
	absSocket := "/run/user/1000/softphone.sock"
	if runtime.GOOS == "windows" {
		absSocket = `C:\Users\me\AppData\Local\softphone\api.sock`
		if err := CheckAPIListen("unix:/tmp/softphone.sock", false, false); err == nil || !strings.Contains(err.Error(), "absolute path") {
			t.Errorf("CheckAPIListen(%q) = %v, want an error saying absolute path", "unix:/tmp/softphone.sock", err)
		}
	}
	for _, tt := range []struct {
		listen        string
		remote, tls   bool
		ok            bool
		msgContaining string
	}{
		{"127.0.0.1:8089", false, false, true, ""},
		{"127.8.9.10:0", false, false, true, ""},
		{"[::1]:8089", false, false, true, ""},
		{"[::ffff:127.0.0.1]:8089", false, false, true, ""},
		{"localhost:8089", false, false, true, ""},
		{"LocalHost:8089", false, false, true, ""},
		{"unix:" + absSocket, false, false, true, ""},
		{absSocket, false, false, true, ""},
		{"unix:relative.sock", false, false, false, "absolute path"},
		{"unix:", false, false, false, "absolute path"},
		{":8089", false, false, false, "all interfaces"},
		{":8089", true, false, false, "allow_remote = true) AND serve TLS"},
		{":8089", false, true, false, "allow_remote = true) AND serve TLS"},
		{":8089", true, true, true, ""},
		{"0.0.0.0:8089", false, false, false, `host "0.0.0.0"`},
		{"192.0.2.7:8089", false, true, false, "reachable from other machines"},
		{"192.0.2.7:8089", true, true, true, ""},
		{"phone.example.com:8089", false, false, false, "reachable from other machines"},
		{"localhost.example.com:8089", false, false, false, "reachable from other machines"},
		{"phone.example.com:8089", true, true, true, ""},
		{"bad_host!:8089", true, true, false, "bad_host!"},
		{"127.0.0.1", false, false, false, "must be host:port"},
		{"127.0.0.1:http", false, false, false, "port must be a number"},
		{"127.0.0.1:70000", false, false, false, "port must be a number"},
		{"127.0.0.1:80\n", false, false, false, "control characters"},
	} {
		err := CheckAPIListen(tt.listen, tt.remote, tt.tls)
		switch {
		case tt.ok && err != nil:
			t.Errorf("CheckAPIListen(%q, %v, %v) = %v, want nil", tt.listen, tt.remote, tt.tls, err)
		case !tt.ok && err == nil:
			t.Errorf("CheckAPIListen(%q, %v, %v) = nil, want an error", tt.listen, tt.remote, tt.tls)
		case !tt.ok && !strings.Contains(err.Error(), tt.msgContaining):
			t.Errorf("CheckAPIListen(%q, %v, %v) = %v, want it to say %q", tt.listen, tt.remote, tt.tls, err, tt.msgContaining)
		}
	}
}

// writeTestCertKey writes a certificate and its key as cert.pem and
// key.pem in dir.
func writeTestCertKey(t *testing.T, dir string) {
	t.Helper()
	files, err := testlab.WriteTestCerts(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{"cert.pem": files.CertFile, "key.pem": files.KeyFile} {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAPISection(t *testing.T) {
	dir := t.TempDir()
	writeTestCertKey(t, dir)
	p := writeFile(t, dir, "# the API\n[api]\nlisten = \"[::]:8443\"\nallow_remote = true\ntls_cert = \"cert.pem\"\ntls_key = \"key.pem\"\n")
	c := mustLoad(t, p)
	want := API{Listen: "[::]:8443", AllowRemote: true, TLSCert: filepath.Join(dir, "cert.pem"), TLSKey: filepath.Join(dir, "key.pem")}
	if c.API != want || !c.API.HasTLS() {
		t.Fatalf("API = %+v, want %+v", c.API, want)
	}
	c.API.Listen = "127.0.0.1:8089"
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	if text := readString(t, p); !strings.HasPrefix(text, "# the API\n[api]\nlisten = \"127.0.0.1:8089\"\n") {
		t.Errorf("saved:\n%s", text)
	}
	if got := mustLoad(t, p); got.API != c.API {
		t.Errorf("read back %+v, want %+v", got.API, c.API)
	}
}

func TestAPIProblems(t *testing.T) {
	dir := t.TempDir()
	writeTestCertKey(t, dir)
	cert, key := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	other := t.TempDir()
	writeTestCertKey(t, other)
	tests := []struct {
		name, src string
		want      []want
	}{
		{"remote without tls", "[api]\nlisten = \"0.0.0.0:8089\"\nallow_remote = true\n",
			[]want{{2, "api.listen", "AND serve TLS"}}},
		{"all interfaces", "[api]\nlisten = \":8089\"\n",
			[]want{{2, "api.listen", "reachable from other machines (all interfaces (no host))"}}},
		{"cert without key", "[api]\nlisten = \"127.0.0.1:1\"\ntls_cert = " + quote(cert) + "\n",
			[]want{{1, "api.tls_key", "must be set with tls_cert"}}},
		{"key without cert", "[api]\ntls_key = " + quote(key) + "\n",
			[]want{{1, "api.tls_cert", "must be set with tls_key"}}},
		{"missing file", "[api]\ntls_cert = " + quote(filepath.Join(dir, "nope.pem")) + "\ntls_key = " + quote(key) + "\n",
			[]want{{2, "api.tls_cert", "cannot read certificate file"}}},
		{"mismatched pair", "[api]\nlisten = \":1\"\nallow_remote = true\ntls_cert = " + quote(cert) + "\ntls_key = " + quote(filepath.Join(other, "key.pem")) + "\n",
			[]want{{2, "api.listen", "AND serve TLS"}, {4, "api.tls_cert", "does not match"}}},
		{"allow_remote string", "[api]\nallow_remote = \"yes\"\n",
			[]want{{2, "api.allow_remote", "must be true or false"}}},
		{"unknown key", "[api]\nlisen = \"x\"\n",
			[]want{{2, "api.lisen", `did you mean "listen"?`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.want...)
		})
	}
}
