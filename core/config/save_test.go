package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sample is a hand-written file: comments everywhere, odd spacing and
// literal forms that Save must keep where it does not change the value.
const sample = `# Softphone configuration.
# Edited by hand and by the app.

[sip]
listen = "0.0.0.0:5060"  # all interfaces
user_agent = 'softphone/1.0'

[ui]
theme = "dark"

# Main line.
[[account]]
name = "work"
display_name = "Alice (work)"
username = "alice"
# from the provider's welcome mail
password = "s3cr3tZ-old"   # rotate yearly
domain = "sip.example.com"
transport = "TLS"   # upper case on purpose
expires = 0x258

# Home line, rarely used.
[[account]]
  name = "home"
  username = "alice"
  domain = "example.org"
  enabled = false

[[account]]
name = "spare"
username = "x"
domain = "x.org"
`

// writeFile writes src to dir/config.toml and returns the path.
func writeFile(t *testing.T, dir, src string) string {
	t.Helper()
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustLoad(t *testing.T, path string) *Config {
	t.Helper()
	c, err := Load(path)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func readString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// saveAndCheck saves c, then checks that the file is src and reads back
// as c.
func saveAndCheck(t *testing.T, c *Config, src string) {
	t.Helper()
	if err := c.Save(); err != nil {
		t.Fatalf("Save: %v", err)
	}
	if got := readString(t, c.Path); got != src {
		t.Errorf("file after Save:\n%s\nwant:\n%s", got, src)
	}
	if got := mustLoad(t, c.Path); !reflect.DeepEqual(got, c) {
		t.Errorf("Load after Save = %+v\nwant %+v", got, c)
	}
}

// edit loads sample, applies f and checks that Save writes want.
func edit(t *testing.T, f func(c *Config), want string) {
	t.Helper()
	c := mustLoad(t, writeFile(t, t.TempDir(), sample))
	f(c)
	saveAndCheck(t, c, want)
}

func TestSaveUnchangedIsByteIdentical(t *testing.T) {
	for name, src := range map[string]string{
		"sample":           sample,
		"CRLF":             strings.ReplaceAll(sample, "\n", "\r\n"),
		"no final newline": strings.TrimSuffix(sample, "\n"),
		"empty":            "",
		"comments only":    "# nothing yet\n\n",
		"inline forms":     "sip = { listen = \":5080\" } # inline\naudio.codecs = [\"PCMA\"]\naccount = [\n  { name = \"a\", username = \"a\", domain = \"a.org\" },\n]\n[ui]\n",
	} {
		t.Run(name, func(t *testing.T) {
			c := mustLoad(t, writeFile(t, t.TempDir(), src))
			clone := c.Clone()
			saveAndCheck(t, &clone, src)
		})
	}
}

func TestSaveChangedPasswordOnlyTouchesThatLine(t *testing.T) {
	pw := "new \"pw\" \\ é\n" + marker
	edit(t, func(c *Config) { c.Accounts[0].Password = pw },
		strings.Replace(sample, `password = "s3cr3tZ-old"   # rotate yearly`, `password = `+quote(pw), 1))
	edit(t, func(c *Config) { c.Accounts[1].Password = "pw" },
		strings.Replace(sample, "  enabled = false\n", "  enabled = false\n  password = \"pw\"\n", 1))
}

func TestSaveEditsInPlace(t *testing.T) {
	t.Run("rename keeps the block", func(t *testing.T) {
		edit(t, func(c *Config) { c.Accounts[0].Name = "job" },
			strings.Replace(sample, `name = "work"`, `name = "job"`, 1))
	})
	t.Run("cleared key is removed", func(t *testing.T) {
		edit(t, func(c *Config) { c.Accounts[0].DisplayName = "" },
			strings.Replace(sample, "display_name = \"Alice (work)\"\n", "", 1))
	})
	t.Run("default written when the key was there", func(t *testing.T) {
		edit(t, func(c *Config) { c.Accounts[1].Enabled = true },
			strings.Replace(sample, "enabled = false", "enabled = true", 1))
	})
	t.Run("sip", func(t *testing.T) {
		edit(t, func(c *Config) { c.SIP.Listen, c.SIP.AllowDirect = ":5070", Off },
			strings.Replace(sample, "listen = \"0.0.0.0:5060\"  # all interfaces\nuser_agent = 'softphone/1.0'\n",
				"listen = \":5070\"\nuser_agent = 'softphone/1.0'\nallow_direct = false\n", 1))
	})
	t.Run("new table goes before the accounts", func(t *testing.T) {
		edit(t, func(c *Config) {
			c.Audio.Codecs = []string{"G722", "opus"}
			c.Audio.Input = "Headset \"Pro\""
		}, strings.Replace(sample, "# Main line.", "[audio]\ninput = \"Headset \\\"Pro\\\"\"\ncodecs = [\"g722\", \"opus\"]\n\n# Main line.", 1))
	})
	t.Run("default theme", func(t *testing.T) {
		edit(t, func(c *Config) { c.UI.Theme = "" }, strings.Replace(sample, `theme = "dark"`, `theme = "light"`, 1))
	})
}

func TestSaveAddRemoveReorder(t *testing.T) {
	home := sample[strings.Index(sample, "# Home line"):strings.Index(sample, "[[account]]\nname = \"spare\"")]
	t.Run("remove drops the block and its comments", func(t *testing.T) {
		edit(t, func(c *Config) { c.Accounts = append(c.Accounts[:1], c.Accounts[2]) },
			strings.Replace(sample, home, "", 1))
	})
	t.Run("remove all", func(t *testing.T) {
		edit(t, func(c *Config) { c.Accounts = nil },
			sample[:strings.Index(sample, "# Main line.")])
	})
	t.Run("add appends", func(t *testing.T) {
		edit(t, func(c *Config) {
			c.Accounts = append(c.Accounts, Account{Name: "new", Username: "n", Domain: "n.org", Expires: 60, Enabled: true})
		}, sample+"\n[[account]]\nname = \"new\"\nusername = \"n\"\ndomain = \"n.org\"\ntransport = \"udp\"\nexpires = 60\nenabled = true\n")
	})
	t.Run("reorder moves blocks", func(t *testing.T) {
		c := mustLoad(t, writeFile(t, t.TempDir(), sample))
		c.Accounts[0], c.Accounts[2] = c.Accounts[2], c.Accounts[0]
		if err := c.Save(); err != nil {
			t.Fatal(err)
		}
		got := readString(t, c.Path)
		work := sample[strings.Index(sample, "# Main line."):strings.Index(sample, "# Home line")]
		for _, part := range []string{sample[:strings.Index(sample, "# Main line.")], home, strings.TrimSuffix(work, "\n")} {
			if !strings.Contains(got, part) {
				t.Errorf("lost\n%s\nin\n%s", part, got)
			}
		}
		if l := mustLoad(t, c.Path); !reflect.DeepEqual(l, c) {
			t.Errorf("Load = %+v, want %+v", l, c)
		}
	})
}

func TestSaveInlineForms(t *testing.T) {
	src := "sip = { listen = \":5080\" }\n# accounts\naccount = [\n  { name = \"a\", username = \"a\", domain = \"a.org\" },\n]\n\n[ui]\ntheme = \"dark\"\n"
	c := mustLoad(t, writeFile(t, t.TempDir(), src))
	c.Accounts[0].Password = "p"
	// The pair is dropped with the comment above it; the accounts become
	// [[account]] tables at the end.
	saveAndCheck(t, c, "sip = { listen = \":5080\" }\n\n[ui]\ntheme = \"dark\"\n\n"+
		"[[account]]\nname = \"a\"\nusername = \"a\"\npassword = \"p\"\ndomain = \"a.org\"\ntransport = \"udp\"\nenabled = true\n")
}

func TestSaveInvalidConfig(t *testing.T) {
	path := writeFile(t, t.TempDir(), sample)
	c := mustLoad(t, path)
	c.Accounts[1].Domain = ""
	c.Accounts[2].Name = "work"
	c.Accounts[0].Password = marker + "\xff"
	err := c.Save()
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("Save error = %v, want Errors", err)
	}
	want := path + ": account[1].password: must be valid UTF-8\n" +
		path + ": account[2].domain: must not be empty\n" +
		path + `: account[3].name: duplicate account name "work"`
	if err.Error() != want {
		t.Errorf("Save error =\n%v\nwant\n%s", err, want)
	}
	assertNoSecret(t, "Save error", err.Error())
	if readString(t, path) != sample {
		t.Error("file changed")
	}
	if err := (&Config{}).Save(); err == nil {
		t.Error("Save without a path succeeded")
	}
}

func TestSaveRefusesBrokenFile(t *testing.T) {
	for _, src := range []string{
		sample + "password = \"" + marker + "\n",          // syntax
		sample + "passwrd = \"" + marker + "\"\n",         // unknown key
		sample + "[audio]\ncodecs = \"" + marker + "\"\n", // wrong type
	} {
		path := writeFile(t, t.TempDir(), src)
		c := mustParse(t, sample)
		c.Path = path
		err := c.Save()
		if err == nil || !strings.Contains(err.Error(), "not saving over "+path) {
			t.Errorf("Save error = %v", err)
		} else {
			assertNoSecret(t, "Save error", err.Error())
		}
		if readString(t, path) != src {
			t.Error("broken file overwritten")
		}
	}
	// Bad values are fine: they are replaced.
	path := writeFile(t, t.TempDir(), strings.Replace(sample, `transport = "TLS"`, `transport = "sctp"`, 1))
	c := mustParse(t, sample)
	c.Path = path
	saveAndCheck(t, c, strings.Replace(sample, `transport = "TLS"   # upper case on purpose`, `transport = "tls"`, 1))
}
