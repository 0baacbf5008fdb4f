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
