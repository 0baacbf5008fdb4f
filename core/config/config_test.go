package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// mustParse parses src as "config.toml" and fails the test on error.
func mustParse(t *testing.T, src string) *Config {
	t.Helper()
	cfg, err := Parse("config.toml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: unexpected error:\n%v", err)
	}
	return cfg
}

// parseErrors parses src and returns the problems, failing if there are none.
func parseErrors(t *testing.T, src string) Errors {
	t.Helper()
	cfg, err := Parse("config.toml", []byte(src))
	if err == nil {
		t.Fatalf("Parse: expected an error, got config %+v", cfg)
	}
	if cfg != nil {
		t.Errorf("Parse returned a config along with an error")
	}
	var errs Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("Parse error is %T (%v), want non-empty Errors", err, err)
	}
	return errs
}

const fullConfig = `
[sip]
listen = "0.0.0.0:5060"
user_agent = "softphone/1.0"
allow_direct = false

[[account]]
name = "alice"
display_name = "Alice Smith"
username = "alice"
auth_username = "alice-auth"
password = "secret"
domain = "sip.example.com"
proxy = "127.0.0.1:5060"
transport = "TLS"
tls_insecure_skip_verify = true
expires = 3600
enabled = false

[[account]]
name = "bob"
username = "bob"
domain = "[::1]:5070"
`

func TestParseFull(t *testing.T) {
	cfg := mustParse(t, fullConfig)
	if cfg.Path != "config.toml" {
		t.Errorf("Path = %q", cfg.Path)
	}
	want := SIP{Listen: "0.0.0.0:5060", UserAgent: "softphone/1.0", AllowDirect: Off}
	if !reflect.DeepEqual(cfg.SIP, want) {
		t.Errorf("SIP = %+v, want %+v", cfg.SIP, want)
	}
	if len(cfg.Accounts) != 2 {
		t.Fatalf("got %d accounts, want 2", len(cfg.Accounts))
	}
	alice := Account{
		Name: "alice", DisplayName: "Alice Smith", Username: "alice",
		AuthUsername: "alice-auth", Password: "secret", Domain: "sip.example.com",
		Proxy: "127.0.0.1:5060", Transport: "tls", TLSInsecureSkipVerify: true,
		Expires: 3600, Enabled: false, Media: Media{Encryption: EncryptionSRTP},
	}
	if !cfg.Accounts[0].Equal(alice) {
		t.Errorf("account 1 = %#v\nwant %#v", cfg.Accounts[0], alice)
	}
	if got := cfg.Accounts[0].AuthUser(); got != "alice-auth" {
		t.Errorf("AuthUser = %q", got)
	}
}

func TestParseDefaults(t *testing.T) {
	cfg := mustParse(t, `
[[account]]
name = "bob"
username = "bob"
domain = "example.com"
`)
	if !reflect.DeepEqual(cfg.SIP, SIP{UserAgent: "softphone"}) {
		t.Errorf("SIP = %+v, want defaults", cfg.SIP)
	}
	want := Account{Name: "bob", Username: "bob", Domain: "example.com",
		Transport: "udp", Expires: 600, Enabled: true, Media: Media{Encryption: EncryptionSRTP}}
	if !cfg.Accounts[0].Equal(want) {
		t.Errorf("account = %#v\nwant %#v", cfg.Accounts[0], want)
	}
	if got := cfg.Accounts[0].AuthUser(); got != "bob" {
		t.Errorf("AuthUser = %q, want username", got)
	}
}

func TestParseEmptyStringsMeanDefault(t *testing.T) {
	cfg := mustParse(t, `
sip.user_agent = ""
[[account]]
name = "a"
username = "a"
domain = "example.com"
transport = ""
`)
	if cfg.SIP.UserAgent != DefaultUserAgent || cfg.Accounts[0].Transport != DefaultTransport {
		t.Errorf("got %+v / %q, want defaults", cfg.SIP, cfg.Accounts[0].Transport)
	}
}

func TestParseZeroAccounts(t *testing.T) {
	for _, src := range []string{"", "# nothing\n", "[sip]\n", "account = []\n"} {
		cfg := mustParse(t, src)
		if len(cfg.Accounts) != 0 || len(cfg.Enabled()) != 0 {
			t.Errorf("%q: got accounts %v", src, cfg.Accounts)
		}
	}
}

func TestParseInlineForms(t *testing.T) {
	cfg := mustParse(t, `
sip = { listen = ":5080" }
account = [
  { name = "a", username = "a", domain = "a.example" },
  { name = "b", username = "b", domain = "b.example", transport = "tcp" },
]
`)
	if cfg.SIP.Listen != ":5080" || len(cfg.Accounts) != 2 || cfg.Accounts[1].Transport != "tcp" {
		t.Errorf("got %+v", cfg)
	}
}

func TestAccountLookupAndEnabled(t *testing.T) {
	cfg := mustParse(t, fullConfig)
	if a, ok := cfg.Account("bob"); !ok || a.Domain != "[::1]:5070" {
		t.Errorf("Account(bob) = %v, %v", a, ok)
	}
	if _, ok := cfg.Account("carol"); ok {
		t.Error("Account(carol) found")
	}
	en := cfg.Enabled()
	if len(en) != 1 || en[0].Name != "bob" {
		t.Errorf("Enabled = %v, want [bob]", en)
	}
	en[0].Name = "changed"
	if cfg.Accounts[1].Name != "bob" {
		t.Error("Enabled shares storage with Config.Accounts")
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(fullConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != path || len(cfg.Accounts) != 2 {
		t.Errorf("Load = %+v", cfg)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "nope.toml"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load error = %v, want fs.ErrNotExist", err)
	}
}

func TestLoadReportsPath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(path, []byte("[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"x.org\"\nexpires = \"1\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":5: account[1].expires: must be an integer (got string)") {
		t.Fatalf("Load error = %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg")
	t.Setenv("HOME", "/tmp/home")
	p, err := DefaultPath()
	if err != nil {
		t.Skipf("no user config dir here: %v", err)
	}
	if filepath.Base(p) != "config.toml" || filepath.Base(filepath.Dir(p)) != "softphone" {
		t.Errorf("DefaultPath = %q", p)
	}
}

func TestClone(t *testing.T) {
	c := mustParse(t, fullConfig+"[audio]\ncodecs = [\"opus\", \"pcmu\"]\n")
	d := c.Clone()
	if !reflect.DeepEqual(&d, c) {
		t.Fatalf("Clone = %+v, want %+v", d, c)
	}
	d.Accounts[0].Name = "changed"
	d.Audio.Codecs[0] = "pcma"
	d.Accounts = append(d.Accounts, Account{})
	if c.Accounts[0].Name != "alice" || c.Audio.Codecs[0] != "opus" || len(c.Accounts) != 2 {
		t.Error("Clone shares storage with the original")
	}
	if e := (&Config{}).Clone(); e.Accounts != nil || e.Audio.Codecs != nil {
		t.Error("Clone of nil slices is not nil")
	}
}
