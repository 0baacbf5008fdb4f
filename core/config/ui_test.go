package config

import (
	"strings"
	"testing"
)

func TestParseUITrayAndLogin(t *testing.T) {
	for _, tt := range []struct {
		src          string
		noTray, auto bool
	}{
		{"", false, false},
		{"[ui]\n", false, false},
		{"[ui]\ntray = true\nstart_at_login = false\n", false, false},
		{"[ui]\ntray = false\n", true, false},
		{"[ui]\nstart_at_login = true\n", false, true},
		{"ui = { tray = false, start_at_login = true }\n", true, true},
	} {
		u := mustParse(t, tt.src).UI
		if u.NoTray != tt.noTray || u.StartAtLogin != tt.auto {
			t.Errorf("%q: NoTray=%v StartAtLogin=%v, want %v %v", tt.src, u.NoTray, u.StartAtLogin, tt.noTray, tt.auto)
		}
	}
}

func TestUITrayAndLoginProblems(t *testing.T) {
	checkErrors(t, parseErrors(t, "[ui]\ntray = \"no\"\nstart_at_login = 1\n"),
		want{2, "ui.tray", "must be true or false (got string)"},
		want{3, "ui.start_at_login", "must be true or false (got integer)"})
	checkErrors(t, parseErrors(t, "[ui]\ntrya = false\n"), want{2, "ui.trya", `did you mean "tray"?`})
}

func TestSaveUITrayAndLogin(t *testing.T) {
	t.Run("defaults are not written", func(t *testing.T) {
		edit(t, func(c *Config) { c.UI.NoTray, c.UI.StartAtLogin = false, false }, sample)
	})
	t.Run("both set", func(t *testing.T) {
		edit(t, func(c *Config) { c.UI.NoTray, c.UI.StartAtLogin = true, true },
			strings.Replace(sample, "theme = \"dark\"\n", "theme = \"dark\"\ntray = false\nstart_at_login = true\n", 1))
	})
	t.Run("back to the defaults keeps the keys", func(t *testing.T) {
		dir := t.TempDir()
		src := strings.Replace(sample, "theme = \"dark\"\n", "theme = \"dark\"\ntray = false\nstart_at_login = true\n", 1)
		c := mustLoad(t, writeFile(t, dir, src))
		if !c.UI.NoTray || !c.UI.StartAtLogin {
			t.Fatalf("loaded UI %+v", c.UI)
		}
		c.UI.NoTray, c.UI.StartAtLogin = false, false
		saveAndCheck(t, c, strings.Replace(sample, "theme = \"dark\"\n", "theme = \"dark\"\ntray = true\nstart_at_login = false\n", 1))
	})
}
