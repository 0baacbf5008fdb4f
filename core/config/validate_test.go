package config

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// accountWith returns a valid [[account]] (lines 1-4) plus extra lines.
func accountWith(extra string) string { return acct + extra + "\n" }

func TestValidationRules(t *testing.T) {
	tests := []struct {
		name, src string
		want      want
	}{
		{"name empty", "[[account]]\nname = \"\"\nusername = \"a\"\ndomain = \"x.org\"\n", want{2, "account[1].name", "must not be empty"}},
		{"name charset", "[[account]]\nname = \"al ice\"\nusername = \"a\"\ndomain = \"x.org\"\n", want{2, "account[1].name", `may contain only letters, digits, '.', '_' and '-' (got "al ice")`}},
		{"name too long", "[[account]]\nname = \"" + strings.Repeat("a", 65) + "\"\nusername = \"a\"\ndomain = \"x.org\"\n", want{2, "account[1].name", "at most 64"}},
		{"username empty", "[[account]]\nname = \"a\"\nusername = \"\"\ndomain = \"x.org\"\n", want{3, "account[1].username", "must not be empty"}},
		{"username space", "[[account]]\nname = \"a\"\nusername = \"a b\"\ndomain = \"x.org\"\n", want{3, "account[1].username", `' ' must be %-escaped`}},
		{"username at", "[[account]]\nname = \"a\"\nusername = \"a@b\"\ndomain = \"x.org\"\n", want{3, "account[1].username", `'@' must be %-escaped`}},
		{"username bad escape", "[[account]]\nname = \"a\"\nusername = \"a%4\"\ndomain = \"x.org\"\n", want{3, "account[1].username", "two hex digits"}},
		{"username escaped CR", "[[account]]\nname = \"a\"\nusername = \"a%0D\"\ndomain = \"x.org\"\n", want{3, "account[1].username", "escaped control"}},
		{"username LF", "[[account]]\nname = \"a\"\nusername = \"a\\nb\"\ndomain = \"x.org\"\n", want{3, "account[1].username", "control characters such as CR, LF or NUL (found U+000A"}},
		{"username non-ASCII", "[[account]]\nname = \"a\"\nusername = \"jé\"\ndomain = \"x.org\"\n", want{3, "account[1].username", `'é' must be %-escaped`}},
		{"domain empty", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"\"\n", want{4, "account[1].domain", "must not be empty"}},
		{"domain CRLF", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"x.org\\r\\nVia: evil\"\n", want{4, "account[1].domain", "control characters"}},
		{"domain bad host", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"ex_ample.com\"\n", want{4, "account[1].domain", `invalid character '_'`}},
		{"domain port 0", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"x.org:0\"\n", want{4, "account[1].domain", "between 1 and 65535"}},
		{"domain port big", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"x.org:65536\"\n", want{4, "account[1].domain", "between 1 and 65535"}},
		{"domain bare ipv6", "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"::1\"\n", want{4, "account[1].domain", "enclosed in brackets"}},
		{"display quote", accountWith(`display_name = "Al \"X\""`), want{5, "account[1].display_name", `must not contain '"' or '\'`}},
		{"display backslash", accountWith(`display_name = 'Al\X'`), want{5, "account[1].display_name", `must not contain '"' or '\'`}},
		{"display NUL", accountWith(`display_name = "Al\u0000"`), want{5, "account[1].display_name", "found U+0000"}},
		{"display C1", accountWith(`display_name = "Al\u0085"`), want{5, "account[1].display_name", "found U+0085"}},
		{"auth_username CR", accountWith(`auth_username = "a\r"`), want{5, "account[1].auth_username", "control characters"}},
		{"auth_username quote", accountWith(`auth_username = "a\""`), want{5, "account[1].auth_username", `'"'`}},
		{"proxy bad", accountWith(`proxy = "127.0.0.1:"`), want{5, "account[1].proxy", "missing port"}},
		{"proxy ipv4 in brackets", accountWith(`proxy = "[10.0.0.1]:5060"`), want{5, "account[1].proxy", "brackets must enclose an IPv6 address"}},
		{"proxy numeric name", accountWith(`proxy = "10.0.0.300"`), want{5, "account[1].proxy", "last label must start with a letter"}},
		{"proxy DEL", accountWith(`proxy = "x.org\u007f"`), want{5, "account[1].proxy", "found U+007F"}},
		{"transport", accountWith(`transport = "sctp"`), want{5, "account[1].transport", `must be one of udp, tcp, tls (got "sctp")`}},
		{"transport keeps case in message", accountWith(`transport = "SCTP"`), want{5, "account[1].transport", `(got "SCTP")`}},
		{"expires zero", accountWith(`expires = 0`), want{5, "account[1].expires", "between 1 and 604800 seconds (got 0)"}},
		{"expires too big", accountWith(`expires = 604801`), want{5, "account[1].expires", "between 1 and 604800"}},
		{"expires negative", accountWith(`expires = -1`), want{5, "account[1].expires", "between 1 and 604800"}},
		{"listen no port", "[sip]\nlisten = \"0.0.0.0\"\n", want{2, "sip.listen", "must be host:port"}},
		{"listen bad port", "[sip]\nlisten = \"0.0.0.0:x\"\n", want{2, "sip.listen", "port must be a number"}},
		{"listen ipv6 unbracketed", "[sip]\nlisten = \"::1:5060\"\n", want{2, "sip.listen", "must be enclosed in brackets"}},
		{"user_agent LF", "[sip]\nuser_agent = \"sp\\nX-Evil: 1\"\n", want{2, "sip.user_agent", "control characters"}},
		{"allow_direct_from not an address", "[sip]\nallow_direct_from = [\"10.0.0.0/8\", \"pbx.example.com\"]\n", want{2, "sip.allow_direct_from", `"pbx.example.com" is not an address or a network`}},
		{"allow_direct_from bad prefix", "[sip]\nallow_direct_from = [\"10.0.0.0/33\"]\n", want{2, "sip.allow_direct_from", "is not an address or a network"}},
		{"allow_direct not a bool", "[sip]\nallow_direct = \"yes\"\n", want{2, "sip.allow_direct", "must be true or false"}},
		{"max_ringing negative", "[sip]\nmax_ringing = -1\n", want{2, "sip.max_ringing", "between 1 and 1000"}},
		{"max_ringing too many", "[sip]\nmax_ringing = 1001\n", want{2, "sip.max_ringing", "between 1 and 1000"}},
		{"duplicate name", acct + "\n[[account]]\nname = \"a\"\nusername = \"b\"\ndomain = \"x.org\"\n", want{7, "account[2].name", `duplicate account name "a" (first used on line 2)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

func TestValidValues(t *testing.T) {
	for _, extra := range []string{
		`username = "a.b-c_d!~*'()&=+$,;?/%41"`,
		`domain = "example.com:5070"`,
		`domain = "[::1]:5060"`,
		`domain = "[2001:db8::1]"`,
		`domain = "10.0.0.1"`,
		`domain = "localhost"`,
		`proxy = "proxy.example.com"`,
		`proxy = "127.0.0.1:5060"`,
		`display_name = "Ålice Smith (home)"`,
		`transport = "Tcp"`,
		`expires = 1`,
		`expires = 604800`,
		`password = "p\u0000\"ss\nword"`,
	} {
		src := "[[account]]\nname = \"a.B_9-z\"\nusername = \"a\"\ndomain = \"x.org\"\n" + extra + "\n"
		src = strings.Replace(src, "username = \"a\"\n", "", strings.Count(extra, "username"))
		src = strings.Replace(src, "domain = \"x.org\"\n", "", strings.Count(extra, "domain"))
		if _, err := Parse("config.toml", []byte(src)); err != nil {
			t.Errorf("%s: unexpected error: %v", extra, err)
		}
	}
	for _, listen := range []string{"0.0.0.0:5060", ":5060", "[::]:5060", "localhost:5080"} {
		mustParse(t, "[sip]\nlisten = \""+listen+"\"\n")
	}
}

func TestMissingRequiredPointsAtHeader(t *testing.T) {
	errs := parseErrors(t, "[sip]\n\n[[account]]\ndisplay_name = \"X\"\n")
	checkErrors(t, errs,
		want{3, "account[1].name", "missing required key"},
		want{3, "account[1].username", "missing required key"},
		want{3, "account[1].domain", "missing required key"},
	)
}

func TestAllProblemsInLineOrder(t *testing.T) {
	src := `[sip]
listen = "0.0.0.0:99999"

[[account]]
name = "bad name"
domain = "example.com"
transport = "sctp"

[[account]]
expires = "600"
username = "b"
[acount]
`
	errs := parseErrors(t, src)
	checkErrors(t, errs,
		want{2, "sip.listen", "between 1 and 65535"},
		want{4, "account[1].username", "missing required key"},
		want{5, "account[1].name", "may contain only"},
		want{7, "account[1].transport", "must be one of"},
		want{9, "account[2].name", "missing required key"},
		want{9, "account[2].domain", "missing required key"},
		want{10, "account[2].expires", "must be an integer"},
		want{12, "acount", "unknown key"},
	)
	lines := strings.Split(errs.Error(), "\n")
	if len(lines) != len(errs) || lines[0] != `config.toml:2: sip.listen: port must be between 1 and 65535 (got "0.0.0.0:99999")` {
		t.Errorf("Errors.Error() =\n%s", errs.Error())
	}
}

func TestCAFile(t *testing.T) {
	dir, caPEM := t.TempDir(), newTestCAPEM(t)
	good := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(good, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	notPEM := filepath.Join(dir, "not.pem")
	if err := os.WriteFile(notPEM, []byte("top secret content"), 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "unreadable.pem")
	if err := os.WriteFile(unreadable, caPEM, 0o000); err != nil {
		t.Fatal(err)
	}

	// Relative paths are resolved against the config file's directory.
	cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(accountWith(`ca_file = "ca.pem"`)))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Accounts[0].CAFile != good {
		t.Errorf("CAFile = %q, want %q", cfg.Accounts[0].CAFile, good)
	}

	missing := "no such file or directory"
	if runtime.GOOS == "windows" {
		missing = "cannot read CA file" // then the system's own words
	}
	tests := []struct{ path, msg string }{
		{filepath.Join(dir, "missing.pem"), missing},
		{notPEM, "contains no PEM certificate"},
		{dir, "is not a regular file"},
	}
	// Root reads anything; Windows has no mode bits to take reading away.
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		tests = append(tests, struct{ path, msg string }{unreadable, "permission denied"})
	}
	for _, tt := range tests {
		// A literal string: a Windows path's backslashes are no escapes.
		errs := parseErrors(t, accountWith(`ca_file = '`+tt.path+`'`))
		checkErrors(t, errs, want{5, "account[1].ca_file", tt.msg})
		named := strings.Contains(errs[0].Msg, tt.path) || strings.Contains(errs[0].Msg, strconv.Quote(tt.path))
		if !named || strings.Contains(errs[0].Msg, "top secret") {
			t.Errorf("message %q should name the path, not the content", errs[0].Msg)
		}
	}
}
