//go:build linux && !android

package autostart

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/softphone/softphone/internal/testlab"
)

func TestXDGEnableDisable(t *testing.T) {
	dir := t.TempDir()
	e := New(WithConfigHome(dir))
	path := filepath.Join(dir, "autostart", "softphone.desktop")
	if on, err := e.Enabled(); err != nil || on {
		t.Fatalf("Enabled before = %v, %v", on, err)
	}
	if err := Apply(e, true, "/opt/soft phone/bin/softphone", []string{"--config", "/home/al ice/100%/config.toml"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "[Desktop Entry]\nType=Application\nName=Softphone\nComment=Make and take phone calls\n" +
		`Exec="/opt/soft phone/bin/softphone" --config "/home/al ice/100%%/config.toml"` + "\n" +
		"Icon=softphone\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	if string(b) != want {
		t.Fatalf("entry:\n%s\nwant:\n%s", b, want)
	}
	if on, err := e.Enabled(); err != nil || !on {
		t.Fatalf("Enabled after Enable = %v, %v", on, err)
	}
	// Applying the same again leaves the file as it is.
	st, _ := os.Stat(path)
	if err := Apply(e, true, "/opt/soft phone/bin/softphone", []string{"--config", "/home/al ice/100%/config.toml"}); err != nil {
		t.Fatal(err)
	}
	if st2, _ := os.Stat(path); !os.SameFile(st, st2) {
		t.Error("applying the same entry again rewrote the file")
	}
	// Another program path replaces the entry.
	if err := Apply(e, true, "/usr/bin/softphone", nil); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "\nExec=/usr/bin/softphone\n") {
		t.Errorf("entry after a new path:\n%s", b)
	}
	if err := Apply(e, false, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("entry still there after Disable: %v", err)
	}
	if on, err := e.Enabled(); err != nil || on {
		t.Fatalf("Enabled after Disable = %v, %v", on, err)
	}
	if err := e.Disable(); err != nil {
		t.Errorf("Disable with no entry: %v", err)
	}
}

func TestXDGSwitchedOffByTheDesktop(t *testing.T) {
	dir := t.TempDir()
	e := New(WithConfigHome(dir))
	if err := e.Enable("/usr/bin/softphone", nil); err != nil {
		t.Fatal(err)
	}
	path, _ := e.Path()
	b, _ := os.ReadFile(path)
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), "X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if on, err := e.Enabled(); err != nil || on {
		t.Errorf("Enabled with X-GNOME-Autostart-enabled=false = %v, %v", on, err)
	}
	// Enabling again turns it back on.
	if err := e.Enable("/usr/bin/softphone", nil); err != nil {
		t.Fatal(err)
	}
	if on, err := e.Enabled(); err != nil || !on {
		t.Errorf("Enabled after Enable = %v, %v", on, err)
	}
}

func TestXDGPath(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", "/tmp/xdg-conf")
	if p, _ := New().Path(); p != "/tmp/xdg-conf/autostart/softphone.desktop" {
		t.Errorf("Path = %q", p)
	}
	t.Setenv("XDG_CONFIG_HOME", "relative")
	t.Setenv("HOME", "/home/alice")
	if p, _ := New().Path(); p != "/home/alice/.config/autostart/softphone.desktop" {
		t.Errorf("Path with a relative XDG_CONFIG_HOME = %q", p)
	}
}

func TestExecLine(t *testing.T) {
	for _, tt := range []struct {
		argv []string
		want string
	}{
		{[]string{"/usr/bin/softphone"}, "/usr/bin/softphone"},
		{[]string{"/a b/sp", "--config", "/c/x.toml"}, `"/a b/sp" --config /c/x.toml`},
		{[]string{"/sp", `a"b$c` + "`d"}, `/sp "a\\"b\\$c\\` + "`d\""},
		{[]string{"/sp", `C:\x y`}, `/sp "C:\\\\x y"`},
		{[]string{"/sp", "50%"}, "/sp 50%%"},
	} {
		got, err := execLine(tt.argv)
		if err != nil || got != tt.want {
			t.Errorf("execLine(%q) = %q, %v; want %q", tt.argv, got, err, tt.want)
		}
	}
	for _, bad := range [][]string{{"/sp", "a\nb"}, {"/sp", ""}} {
		if _, err := execLine(bad); err == nil {
			t.Errorf("execLine(%q) took it", bad)
		}
	}
	if err := New(WithConfigHome(t.TempDir())).Enable("softphone", nil); err == nil {
		t.Error("Enable took a relative program path")
	}
}

// TestXDGEntryValidates runs desktop-file-validate on entries with
// quoted arguments.
func TestXDGEntryValidates(t *testing.T) {
	testlab.Require(t, "desktop-file-validate", "desktop-file-utils")
	e := New(WithConfigHome(t.TempDir()))
	if err := e.Enable("/opt/soft phone/softphone", []string{"--config", `/home/a "b"/$x\y/100%.toml`}); err != nil {
		t.Fatal(err)
	}
	path, _ := e.Path()
	out, err := exec.Command("desktop-file-validate", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("desktop-file-validate: %v\n%s", err, out)
	}
}
