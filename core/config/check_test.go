package config

import (
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func validAccount() Account {
	return Account{Name: "work", Username: "alice", Domain: "sip.example.com", Expires: DefaultExpires, Enabled: true}
}

func TestCheckAccountValid(t *testing.T) {
	a := validAccount()
	a.Transport = "" // the default
	if msgs := CheckAccount(a, nil); msgs == nil || len(msgs) != 0 {
		t.Errorf("valid account: got %v, want an empty map", msgs)
	}
	a.Transport, a.Password = "TLS", marker+"\x00\"\\"
	others := []Account{{Name: "home"}, {Name: "other"}}
	if msgs := CheckAccount(a, others); len(msgs) != 0 {
		t.Errorf("valid account: got %v", msgs)
	}
	if a.Transport != "TLS" || others[0].Name != "home" {
		t.Error("CheckAccount modified its arguments")
	}
}

func TestCheckAccountProblems(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "x.pem")
	if err := os.WriteFile(notPEM, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := Account{
		Name: "al ice", DisplayName: `A "B"`, Username: "a b", AuthUsername: "x\r",
		Password: marker + "\xff", Domain: "sip:example.com", Proxy: "p:0",
		Transport: "sctp", CAFile: notPEM, Expires: 0,
	}
	got := CheckAccount(a, nil)
	want := map[string]string{
		"name":          "may contain only letters",
		"display_name":  `must not contain '"' or '\'`,
		"username":      "must be %-escaped",
		"auth_username": "control characters",
		"password":      "must be valid UTF-8",
		"domain":        "not a SIP URI",
		"proxy":         "between 1 and 65535",
		"transport":     "must be one of udp, tcp, tls",
		"ca_file":       "contains no PEM certificate",
		"expires":       "between 1 and 604800",
	}
	if len(got) != len(want) {
		t.Errorf("got %d messages, want %d: %v", len(got), len(want), got)
	}
	for k, w := range want {
		if !strings.Contains(got[k], w) {
			t.Errorf("%s: got %q, want %q", k, got[k], w)
		}
	}
	for k, msg := range got {
		assertNoSecret(t, k, msg)
	}

	empty := CheckAccount(Account{Expires: 1}, nil)
	for _, k := range []string{"name", "username", "domain"} {
		if empty[k] != "must not be empty" {
			t.Errorf("%s: got %q, want must not be empty", k, empty[k])
		}
	}
}

func TestCheckAccountDuplicateName(t *testing.T) {
	a := validAccount()
	got := CheckAccount(a, []Account{{Name: "home"}, {Name: "work"}})
	if want := map[string]string{"name": `duplicate account name "work"`}; !maps.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	a.Name = "bad name"
	if got := CheckAccount(a, []Account{{Name: "bad name"}}); len(got) != 1 || !strings.Contains(got["name"], "may contain only") {
		t.Errorf("one message per key: got %v", got)
	}
}

// TestCheckAccountMatchesParse checks that the editor and the loader agree:
// each problem CheckAccount finds is the one Parse reports for the same
// account in a file.
func TestCheckAccountMatchesParse(t *testing.T) {
	for _, a := range []Account{
		{Name: "a", Username: "a@b", Domain: "x..org", Transport: "SCTP", Expires: 700000},
		{Name: "a", Username: "a", Domain: "[::1", Proxy: "10.0.0.300", DisplayName: "\u0085"},
		{Name: strings.Repeat("n", 65), Username: "a%zz", Domain: "h", AuthUsername: `\`, Expires: -5},
	} {
		got := CheckAccount(a, nil)
		src := "[[account]]\n" + renderKeys(accountKVs(a)) + "expires = " + strconv.Itoa(a.Expires) + "\n"
		errs := parseErrors(t, src)
		want := map[string]string{}
		for _, e := range errs {
			want[strings.TrimPrefix(e.Field, "account[1].")] = e.Msg
		}
		if !maps.Equal(got, want) {
			t.Errorf("CheckAccount = %v\nParse       = %v", got, want)
		}
	}
}

func renderKeys(kvs []kv) string {
	var b strings.Builder
	for _, x := range kvs {
		if !x.omit && x.key != "expires" {
			b.WriteString(x.key + " = " + x.lit + "\n")
		}
	}
	return b.String()
}
