package config

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSave saves valid files unchanged (which must keep them byte for
// byte) and after an edit (which must read back as saved).
func FuzzSave(f *testing.F) {
	for _, s := range []string{
		sample, propStart, strings.ReplaceAll(sample, "\n", "\r\n"), strings.TrimSuffix(sample, "\n"),
		"sip.listen = \":5060\"\n# c\naccount = [{ name = \"a\", username = \"a\", domain = \"a.org\" }]\n[ui] # x\n",
		"[[account]]\nname = \"a\"\nusername = \"a\"\ndomain = \"a.org\"\npassword = '''\n# x\n'''\n[audio]\ncodecs = [\n# c\n'opus',\n]",
	} {
		f.Add([]byte(s), "new password", uint8(0))
	}
	f.Fuzz(func(t *testing.T, data []byte, s string, op uint8) {
		dir := t.TempDir()
		path := filepath.Join(dir, "config.toml")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		c, err := Load(path)
		if err != nil {
			return
		}
		if err := c.Save(); err != nil {
			t.Fatalf("unchanged Save: %v", err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
			t.Fatalf("unchanged Save rewrote the file:\n%q\nwas\n%q", got, data)
		}
		if !utf8.ValidString(s) {
			return
		}
		switch n := len(c.Accounts); {
		case op%5 == 0 && n > 0:
			c.Accounts[int(op)%n].Password = s
		case op%5 == 1:
			c.Accounts = append(c.Accounts, Account{Name: "fuzz-new", Username: "u", Domain: "d.org", Password: s, Expires: 1, Enabled: true})
		case op%5 == 2 && n > 0:
			c.Accounts = c.Accounts[1:]
		case op%5 == 3:
			c.SIP.UserAgent, c.UI.Theme = quotable(s), "dark"
		default:
			c.Audio.Input, c.Audio.Codecs = quotable(s), []string{"pcma"}
		}
		if CheckAccount(Account{Name: "fuzz-new"}, c.Accounts)["name"] != "" && op%5 == 1 {
			return // name taken
		}
		if err := c.Save(); err != nil {
			t.Fatalf("Save after edit: %v", err)
		}
		if got := mustLoad(t, path); !reflect.DeepEqual(got, c) {
			t.Fatalf("Load differs in %s", diffConfig(got, c))
		}
	})
}
