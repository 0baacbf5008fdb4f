package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

// marker is embedded in every test password: any rendering of the
// password, escaped or not, contains it.
const marker = "s3cr3tZ"

// oddPassword holds a NUL, CR, LF, quote, backslash, a C1 control and
// non-ASCII, written as a TOML basic string.
const oddPassword = `"` + marker + `\u0000\r\n\"\\\u0085é"`

func assertNoSecret(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, marker) {
		t.Errorf("%s leaks the password: %q", what, s)
	}
}

func TestPasswordNeverPrinted(t *testing.T) {
	cfg := mustParse(t, acct+"password = "+oddPassword+"\ntransport = \"tls\"\n")
	a := cfg.Accounts[0]
	if !strings.HasPrefix(a.Password, marker+"\x00\r\n\"\\\u0085") {
		t.Fatalf("password decoded as %q", a.Password)
	}
	if got, want := a.String(), "a <sip:a@example.com;transport=tls>"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		assertNoSecret(t, "Sprintf("+verb+", account)", fmt.Sprintf(verb, a))
		assertNoSecret(t, "Sprintf("+verb+", *config)", fmt.Sprintf(verb, *cfg))
		assertNoSecret(t, "Sprintf("+verb+", accounts)", fmt.Sprintf(verb, cfg.Accounts))
	}
	if s := fmt.Sprintf("%#v", a); !strings.HasPrefix(s, "config.Account{") || !strings.Contains(s, `Password:"[redacted]"`) {
		t.Errorf("%%#v = %s", s)
	}

	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "json.Marshal(config)", string(js))

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("registering", "account", a, "accounts", cfg.Enabled())
	}
	assertNoSecret(t, "slog output", buf.String())
	if !strings.Contains(buf.String(), "password_set=true") {
		t.Errorf("slog output should say a password is set:\n%s", buf.String())
	}
}

func TestPasswordNeverInErrors(t *testing.T) {
	srcs := map[string]string{
		"other errors":      acct + "password = " + oddPassword + "\ntransport = \"sctp\"\nexpires = 0\n",
		"wrong type":        acct + "password = [" + oddPassword + "]\n",
		"bad escape":        acct + `password = "` + marker + `\q"` + "\n",
		"unquoted":          acct + "password = " + marker + "\n",
		"multi-line escape": acct + `password = """` + "\n" + marker + `\q"""` + "\n",
		"unknown key":       acct + "passwd = " + oddPassword + "\n",
		"duplicate":         acct + "password = " + oddPassword + "\npassword = " + oddPassword + "\n",
		"inline account":    "account = [{ name = \"a b\", password = " + oddPassword + " }]\n",
		"control in quote":  acct + "password = \"" + marker + "\x01\"\n",
	}
	for name, src := range srcs {
		_, err := Parse("config.toml", []byte(src))
		if err == nil {
			t.Errorf("%s: expected an error", name)
			continue
		}
		assertNoSecret(t, name, err.Error())
	}
	_, err := Parse("config.toml", []byte(acct+`password = "ab\qc"`+"\n"))
	if err == nil || strings.Contains(err.Error(), "'q'") || strings.Contains(err.Error(), "U+0071") {
		t.Errorf("syntax error reveals a password character: %v", err)
	}
}

// TestTURNPasswordNeverPrinted: the TURN password is kept out of every
// rendering of an account, its Media, a config and a list of accounts.
func TestTURNPasswordNeverPrinted(t *testing.T) {
	cfg := mustParse(t, acct+"turn_server = \"turn.example.com\"\nturn_username = \"alice\"\nturn_password = "+oddPassword+"\n")
	a := cfg.Accounts[0]
	if !strings.HasPrefix(a.TURNPassword, marker+"\x00\r\n") {
		t.Fatalf("TURN password decoded as %q", a.TURNPassword)
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		for what, v := range map[string]any{"account": a, "*config": *cfg, "config": cfg, "accounts": cfg.Accounts, "media": a.Media, "&media": &a.Media} {
			assertNoSecret(t, "Sprintf("+verb+", "+what+")", fmt.Sprintf(verb, v))
		}
	}
	for what, s := range map[string]string{"account": fmt.Sprintf("%#v", a), "media": fmt.Sprintf("%#v", a.Media)} {
		if !strings.Contains(s, `TURNPassword:"[redacted]"`) || !strings.Contains(s, `TURNUsername:"alice"`) {
			t.Errorf("%%#v of %s = %s", what, s)
		}
	}
	if s := fmt.Sprintf("%#v", a); !strings.HasPrefix(s, "config.Account{Name:\"a\", ") || !strings.Contains(s, "Media:config.Media{Encryption:\"srtp\"") {
		t.Errorf("%%#v = %s", s)
	}

	for what, v := range map[string]any{"config": cfg, "account": a, "media": a.Media} {
		js, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		assertNoSecret(t, "json.Marshal("+what+")", string(js))
	}

	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		slog.New(h).Info("registering", "account", a, "accounts", cfg.Enabled(), "media", a.Media)
	}
	assertNoSecret(t, "slog output", buf.String())
	for _, s := range []string{"account.turn_password_set=true", "media.turn_password_set=true", `"turn_password_set":true`, "account.turn_username=alice"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("slog output lacks %s:\n%s", s, buf.String())
		}
	}
}

func TestTURNPasswordNeverInErrors(t *testing.T) {
	turn := "turn_server = \"turn.example.com\"\nturn_username = \"u\"\n"
	srcs := map[string]string{
		"other errors":  acct + turn + "turn_password = " + oddPassword + "\nmedia_encryption = \"x\"\n",
		"wrong type":    acct + "turn_password = [" + oddPassword + "]\n",
		"bad escape":    acct + `turn_password = "` + marker + `\q"` + "\n",
		"unquoted":      acct + "turn_password = " + marker + "\n",
		"unknown key":   acct + "turn_passwd = " + oddPassword + "\n",
		"keyring":       acct + "password_store = \"keyring\"\nturn_password = " + oddPassword + "\n",
		"inline":        "account = [{ name = \"a b\", turn_password = " + oddPassword + " }]\n",
		"control quote": acct + "turn_password = \"" + marker + "\x01\"\n",
	}
	for name, src := range srcs {
		_, err := Parse("config.toml", []byte(src))
		if err == nil {
			t.Errorf("%s: expected an error", name)
			continue
		}
		assertNoSecret(t, name, err.Error())
	}
	a := Account{Name: "a", Username: "a", Domain: "example.com", Expires: 600, Media: Media{TURNServer: "t", TURNPassword: marker + "\xff"}}
	for k, msg := range CheckAccount(a, nil) {
		assertNoSecret(t, "CheckAccount "+k, msg)
	}
}
