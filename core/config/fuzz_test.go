package config

import (
	"errors"
	"testing"
)

// FuzzParse checks that no input panics and that results are coherent:
// either a config that re-validates, or a non-empty Errors sorted by line.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"",
		fullConfig,
		acct,
		"[sip]\nlisten = \":5060\"\nuser_agent = \"x\"\n",
		"account = [{ name = \"a\", username = \"a\", domain = \"[::1]:1\" }]\n",
		"[[account]]\n[account.x]\n[[account.y]]\n",
		"a.b.c = 1\n[a.b]\n",
		"[[account]]\nexpires = 0x7fffffffffffffff\n",
		"[[account]]\nname = 1\n[acount]\npasswrd = [[]]\n",
		"[[account]]\npassword = \"\\q\"\n",
		"[[account]]\nca_file = \"/dev/null\"\n",
		"[audio]\ncodecs = [\"OPUS\", \"x\", 1]\nringtone = \"/dev/null\"\n[ui]\ntheme = \"dark\"\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.toml", data)
		if err == nil {
			if cfg == nil {
				t.Fatal("nil config without error")
			}
			for _, a := range cfg.Accounts {
				_ = a.String()
				_ = a.LogValue().Resolve()
			}
			return
		}
		if cfg != nil {
			t.Fatal("config returned with an error")
		}
		var errs Errors
		if !errors.As(err, &errs) || len(errs) == 0 {
			t.Fatalf("error %T is not a non-empty Errors: %v", err, err)
		}
		for i := 1; i < len(errs); i++ {
			if errs[i].Line < errs[i-1].Line {
				t.Fatalf("errors not sorted by line:\n%v", errs)
			}
		}
	})
}
