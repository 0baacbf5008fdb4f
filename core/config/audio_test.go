package config

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestParseAudioUI(t *testing.T) {
	dir := t.TempDir()
	ring := filepath.Join(dir, "ring.wav")
	if err := os.WriteFile(ring, []byte("RIFF"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Parse(filepath.Join(dir, "config.toml"), []byte(`
[audio]
input = "USB Headset"
output = "hw:1,0"
codecs = ["OPUS", "g722", "PcmU"]
ringtone = "ring.wav"

[ui]
theme = "dark"
`))
	if err != nil {
		t.Fatal(err)
	}
	a := cfg.Audio
	if a.Input != "USB Headset" || a.Output != "hw:1,0" || a.Ringtone != ring {
		t.Errorf("Audio = %+v", a)
	}
	if want := []string{"opus", "g722", "pcmu"}; !slices.Equal(a.Codecs, want) {
		t.Errorf("Codecs = %q, want %q", a.Codecs, want)
	}
	if cfg.UI.Theme != "dark" {
		t.Errorf("Theme = %q", cfg.UI.Theme)
	}
}

func TestParseAudioUIDefaults(t *testing.T) {
	for _, src := range []string{"", "[audio]\n[ui]\n", "[ui]\ntheme = \"\"\n", "audio.codecs = []\n"} {
		cfg := mustParse(t, src)
		if cfg.UI.Theme != "light" || cfg.Audio.Codecs != nil || cfg.Audio.Ringtone != "" {
			t.Errorf("%q: got %+v %+v, want defaults", src, cfg.Audio, cfg.UI)
		}
	}
	cfg := mustParse(t, "ui = { theme = \"dark\" }\naudio = { codecs = [\n  \"pcma\", # fallback\n] }\n")
	if cfg.UI.Theme != "dark" || !slices.Equal(cfg.Audio.Codecs, []string{"pcma"}) {
		t.Errorf("inline forms: got %+v %+v", cfg.Audio, cfg.UI)
	}
}

func TestAudioUIProblems(t *testing.T) {
	tests := []struct {
		name, src string
		wants     []want
	}{
		{"unknown keys", "[audio]\nimput = \"x\"\n[ui]\ntheme = \"dark\"\ncolour = 1\n", []want{
			{2, "audio.imput", `did you mean "input"?`},
			{5, "ui.colour", "unknown key"},
		}},
		{"root typo", "[audoi]\n", []want{{1, "audoi", `did you mean "audio"?`}}},
		{"not a table", "audio = 1\nui = []\n", []want{
			{1, "audio", "must be a table (got integer)"},
			{2, "ui", "must be a table (got array)"},
		}},
		{"wrong types", "[audio]\ninput = 1\noutput = true\ncodecs = \"opus\"\nringtone = []\n[ui]\ntheme = 2\n", []want{
			{2, "audio.input", "must be a string (got integer)"},
			{3, "audio.output", "must be a string (got boolean)"},
			{4, "audio.codecs", "must be an array of strings (got string)"},
			{5, "audio.ringtone", "must be a string (got array)"},
			{7, "ui.theme", "must be a string (got integer)"},
		}},
		{"codec element type", "[audio]\ncodecs = [\n  \"opus\",\n  1,\n  \"nope\",\n]\n", []want{
			{4, "audio.codecs[2]", "must be a string (got integer)"},
		}},
		{"codec names", "[audio]\ncodecs = [\n  \"opus\",\n  \"g729\",\n  \"OPUS\",\n  \"\",\n]\n", []want{
			{4, "audio.codecs[2]", `unknown codec "g729" (want one of opus, g722, pcmu, pcma)`},
			{5, "audio.codecs[3]", `duplicate codec "OPUS" (already listed as codecs[1])`},
			{6, "audio.codecs[4]", `unknown codec ""`},
		}},
		{"controls", "[audio]\ninput = \"a\\nb\"\noutput = \"\\u0000\"\n", []want{
			{2, "audio.input", "control characters"},
			{3, "audio.output", "control characters"},
		}},
		{"theme", "[ui]\ntheme = \"Dark\"\n", []want{{2, "ui.theme", `must be "light" or "dark" (got "Dark")`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErrors(t, parseErrors(t, tt.src), tt.wants...)
		})
	}
}

func TestRingtone(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "ring.wav"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	unreadable := filepath.Join(dir, "locked.wav")
	if err := os.WriteFile(unreadable, nil, 0o000); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "config.toml")
	for _, p := range []string{"ring.wav", filepath.Join(dir, "ring.wav")} {
		cfg, err := Parse(file, []byte("[audio]\nringtone = "+quote(p)+"\n"))
		if err != nil || cfg.Audio.Ringtone != filepath.Join(dir, "ring.wav") {
			t.Errorf("ringtone %q: got %v, %v", p, cfg, err)
		}
	}
	missing := filepath.Join(dir, "missing.wav")
	_, notExist := os.Open(missing) // the system's words for it
	tests := []struct{ path, msg string }{
		{"missing.wav", "cannot read ringtone file " + strconv.Quote(missing) + ": " + errors.Unwrap(notExist).Error()},
		{".", "is not a regular file"},
	}
	// Mode 0 makes a file unreadable but to root; on Windows it only
	// makes it read-only (noPermBits).
	if os.Geteuid() != 0 && runtime.GOOS != "windows" {
		tests = append(tests, struct{ path, msg string }{"locked.wav", "permission denied"})
	}
	for _, tt := range tests {
		_, err := Parse(file, []byte("[ui]\n[audio]\n\nringtone = "+quote(tt.path)+"\n"))
		if err == nil || !strings.Contains(err.Error(), file+":4: audio.ringtone: ") || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("ringtone %q: error %v, want line 4 and %q", tt.path, err, tt.msg)
		}
	}
}
