package config

import (
	"strings"
	"testing"
)

// want is one expected problem; msg is a substring of FieldError.Msg.
type want struct {
	line  int
	field string
	msg   string
}

// checkErrors compares problems in order against ws.
func checkErrors(t *testing.T, errs Errors, ws ...want) {
	t.Helper()
	if len(errs) != len(ws) {
		t.Fatalf("got %d problems, want %d:\n%v", len(errs), len(ws), errs)
	}
	for i, w := range ws {
		e := errs[i]
		if e.File != "config.toml" || e.Line != w.line || e.Field != w.field || !strings.Contains(e.Msg, w.msg) {
			t.Errorf("problem %d = %q (line %d, field %q)\nwant line %d, field %q, msg containing %q",
				i+1, e.Error(), e.Line, e.Field, w.line, w.field, w.msg)
		}
	}
}

const acct = "[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"example.com\"\n" // lines 1-4

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      want
	}{
		{"unterminated string", acct + "password = \"abc\n", want{5, "", "invalid TOML at column"}},
		{"bad header", "\n[[account]\n", want{2, "", "invalid TOML at column"}},
		{"missing value", acct + "\nexpires =\n", want{6, "", "invalid TOML"}},
		{"duplicate key", acct + "name = \"b\"\n", want{5, "", "invalid TOML"}},
		{"table redefined", "[sip]\n[sip]\n", want{2, "", "invalid TOML"}},
		{"integer overflow", acct + "expires = 99999999999999999999\n", want{5, "", "invalid TOML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.want)
		})
	}
}

func TestUnknownKeys(t *testing.T) {
	errs := parseErrors(t, `[sip]
lisen = ":5060"

[acount]
name = "x"

[[account]]
name = "a"
username = "a"
passwrd = "hunter2"
domain = "example.com"
[account.extra]
x = 1

[[account]]
name = "b"
username = "b"
domain = "example.com"
sip.listen = "x"
top = 1
`)
	checkErrors(t, errs,
		want{2, "sip.lisen", `unknown key (did you mean "listen"?)`},
		want{4, "acount", `(did you mean "account"?)`},
		want{10, "account[1].passwrd", `(did you mean "password"?)`},
		want{12, "account[1].extra", "unknown key"},
		want{19, "account[2].sip", "unknown key"},
		want{20, "account[2].top", "unknown key"},
	)
	if strings.Contains(errs.Error(), "hunter2") {
		t.Error("value of an unknown key leaked into the error")
	}
}

func TestWrongTypes(t *testing.T) {
	errs := parseErrors(t, `[[account]]
name = "a"
username = ["a"]
domain = "example.com"
password = 1234
expires = "600"
enabled = "yes"
tls_insecure_skip_verify = 1
transport = { x = 1 }
[sip]
listen = 5060
`)
	checkErrors(t, errs,
		want{3, "account[1].username", "must be a string (got array)"},
		want{5, "account[1].password", "must be a string (got integer)"},
		want{6, "account[1].expires", "must be an integer (got string)"},
		want{7, "account[1].enabled", "must be true or false (got string)"},
		want{8, "account[1].tls_insecure_skip_verify", "must be true or false (got integer)"},
		want{9, "account[1].transport", "must be a string (got table)"},
		want{11, "sip.listen", "must be a string (got integer)"},
	)
	if strings.Contains(errs.Error(), "1234") {
		t.Error("password value leaked into a type error")
	}
}

func TestWrongShapes(t *testing.T) {
	checkErrors(t, parseErrors(t, "\n[account]\nname = \"a\"\n"),
		want{2, "account", "must be an array of tables, written [[account]] (got table)"})
	checkErrors(t, parseErrors(t, "[[sip]]\n"),
		want{1, "sip", "must be a table (got array of tables)"})
	checkErrors(t, parseErrors(t, "sip = 1\n"),
		want{1, "sip", "must be a table (got integer)"})
	checkErrors(t, parseErrors(t, "account = [\n  1,\n  { name = \"a\", username = \"a\", domain = \"x.org\" },\n  \"s\",\n]\n"),
		want{2, "account[1]", "must be a table (got integer)"},
		want{4, "account[3]", "must be a table (got string)"})
	checkErrors(t, parseErrors(t, acct+"expires = 1.5\n"),
		want{5, "account[1].expires", "must be an integer (got float)"})
	checkErrors(t, parseErrors(t, acct+"expires = 1979-05-27\n"),
		want{5, "account[1].expires", "must be an integer (got date/time)"})
}

func TestIntegerForms(t *testing.T) {
	for src, n := range map[string]int{"0x258": 600, "1_200": 1200, "0o1130": 600, "+60": 60} {
		cfg := mustParse(t, acct+"expires = "+src+"\n")
		if got := cfg.Accounts[0].Expires; got != n {
			t.Errorf("expires = %s: got %d, want %d", src, got, n)
		}
	}
}
