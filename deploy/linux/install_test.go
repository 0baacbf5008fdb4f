// Package linux holds the Linux desktop integration: the desktop entry
// that `make install` puts in the user's directories so that sip:, sips:,
// tel: and callto: links open the softphone. Its test runs the real
// install, xdg-utils dispatch and uninstall in a throwaway home.
package linux

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

var schemes = []string{"sip", "sips", "tel", "callto"}

// userMimeapps is a mimeapps.list the user had before: install and
// uninstall must leave its entries as they were.
const userMimeapps = "[Default Applications]\ntext/html=firefox.desktop\n\n[Added Associations]\ntext/plain=gedit.desktop;\n"

// desktop is a throwaway user: its home, the install prefix and the
// environment every command runs in (nothing of the real user's, nor of a
// desktop session, leaks in).
type desktop struct {
	t                      *testing.T
	root                   string // the repository, where the Makefile is
	home, prefix, dataHome string
	mimeapps               string
	env                    []string
}

func newDesktop(t *testing.T) *desktop {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	d := &desktop{
		t:        t,
		root:     root,
		home:     filepath.Join(tmp, "home"),
		prefix:   filepath.Join(tmp, "prefix"),
		dataHome: filepath.Join(tmp, "home", ".local", "share"),
		mimeapps: filepath.Join(tmp, "home", ".config", "mimeapps.list"),
	}
	d.env = []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + d.home,
		"XDG_CONFIG_HOME=" + filepath.Dir(d.mimeapps),
		"XDG_DATA_HOME=" + d.dataHome,
		// Empty system directories: only what install wrote can answer.
		"XDG_DATA_DIRS=" + filepath.Join(tmp, "system", "share"),
		"XDG_CONFIG_DIRS=" + filepath.Join(tmp, "system", "xdg"),
		"LC_ALL=C",
	}
	for _, dir := range []string{filepath.Dir(d.mimeapps), d.dataHome} {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// run runs a command in the throwaway environment and returns its output.
func (d *desktop) run(extraEnv []string, name string, args ...string) string {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = d.root
	cmd.Env = append(slices.Clone(d.env), extraEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		d.t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func (d *desktop) make(target string, vars ...string) {
	d.t.Helper()
	d.t.Logf("make %s:\n%s", target, d.run(nil, "make", append([]string{"--no-print-directory", target, "PREFIX=" + d.prefix}, vars...)...))
}

func (d *desktop) defaultFor(scheme string) string {
	d.t.Helper()
	return d.run(nil, "xdg-mime", "query", "default", "x-scheme-handler/"+scheme)
}

// fakeSoftphone writes a stand-in for the program that records its own
// path and its arguments, one a line, in record.
func fakeSoftphone(t *testing.T, record string) string {
	dir := t.TempDir()
	p := filepath.Join(dir, "softphone")
	script := "#!/bin/sh\n{ printf '%s\\n' \"$0\"; printf '%s\\n' \"$@\"; } > '" + record + "'\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInstallMakesSoftphoneTheLinkHandler(t *testing.T) {
	testlab.Require(t, "make", "make")
	testlab.Require(t, "xdg-mime", "xdg-utils")
	testlab.Require(t, "xdg-open", "xdg-utils")
	testlab.Require(t, "desktop-file-validate", "desktop-file-utils")
	testlab.Require(t, "update-desktop-database", "desktop-file-utils")
	d := newDesktop(t)
	if err := os.WriteFile(d.mimeapps, []byte(userMimeapps), 0o644); err != nil {
		t.Fatal(err)
	}
	record := filepath.Join(t.TempDir(), "argv")
	fake := fakeSoftphone(t, record)
	d.run(nil, "desktop-file-validate", filepath.Join(d.root, "deploy", "linux", "softphone.desktop"))

	// Twice: a second install replaces the first, adding nothing.
	d.make("install", "BIN="+fake)
	d.make("install", "BIN="+fake)

	installed := filepath.Join(d.prefix, "bin", "softphone")
	if got, err := os.ReadFile(installed); err != nil || !bytes.Equal(got, mustRead(t, fake)) {
		t.Errorf("%s: %v; want a copy of BIN", installed, err)
	}
	entry := filepath.Join(d.dataHome, "applications", "softphone.desktop")
	d.run(nil, "desktop-file-validate", entry)
	want := strings.Replace(string(mustRead(t, filepath.Join(d.root, "deploy", "linux", "softphone.desktop"))),
		"\nExec=softphone %u\n", "\nExec="+installed+" %u\n", 1)
	if got := string(mustRead(t, entry)); got != want {
		t.Errorf("installed desktop entry:\n%s\nwant (Exec the installed program):\n%s", got, want)
	}
	icon := filepath.Join(d.dataHome, "icons", "hicolor", "scalable", "apps", "softphone.svg")
	if !bytes.Equal(mustRead(t, icon), mustRead(t, filepath.Join(d.root, "assets", "icons", "softphone.svg"))) {
		t.Errorf("%s is not assets/icons/softphone.svg", icon)
	}
	for _, s := range schemes {
		if got := d.defaultFor(s); got != "softphone.desktop" {
			t.Errorf("xdg-mime query default x-scheme-handler/%s = %q, want softphone.desktop", s, got)
		}
	}
	if got, n := string(mustRead(t, d.mimeapps)), strings.Count(string(mustRead(t, d.mimeapps)), "=softphone.desktop"); n != len(schemes) || !strings.Contains(got, "text/html=firefox.desktop") {
		t.Errorf("mimeapps.list after two installs:\n%s\nwant the user's entries and one line per scheme", got)
	}

	// A click on a link, as a desktop session without a known desktop
	// environment dispatches it: xdg-open finds the default handler and
	// runs its Exec. DISPLAY only has to be set (nothing connects to it);
	// BROWSER=false keeps a failed dispatch from reaching a real browser.
	session := []string{"DISPLAY=:0", "XDG_CURRENT_DESKTOP=X-Generic", "BROWSER=false"}
	for _, uri := range []string{"sip:bob@example.com", "sips:alice@example.com;transport=tls", "tel:+441234567890", "callto:carol"} {
		os.Remove(record)
		d.run(session, "xdg-open", uri)
		got := strings.Split(strings.TrimSpace(string(mustRead(t, record))), "\n")
		if want := []string{installed, uri}; !slices.Equal(got, want) {
			t.Errorf("xdg-open %s ran %q, want %q", uri, got, want)
		}
	}

	d.make("uninstall")
	for _, s := range schemes {
		if got := d.defaultFor(s); got != "" {
			t.Errorf("after uninstall, xdg-mime query default x-scheme-handler/%s = %q, want none", s, got)
		}
	}
	if got := string(mustRead(t, d.mimeapps)); got != userMimeapps {
		t.Errorf("mimeapps.list after uninstall:\n%q\nwant the user's as it was:\n%q", got, userMimeapps)
	}
	// Nothing else is left: no file but the user's mimeapps.list.
	for _, top := range []string{d.home, d.prefix} {
		filepath.WalkDir(top, func(p string, e fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !e.IsDir() && p != d.mimeapps {
				t.Errorf("left behind: %s", p)
			}
			return nil
		})
	}
}

func TestUninstallRemovesAnEmptiedMimeappsList(t *testing.T) {
	testlab.Require(t, "make", "make")
	testlab.Require(t, "xdg-mime", "xdg-utils")
	d := newDesktop(t)
	fake := fakeSoftphone(t, filepath.Join(t.TempDir(), "argv"))
	d.make("install", "BIN="+fake)
	if got := d.defaultFor("sip"); got != "softphone.desktop" {
		t.Fatalf("xdg-mime query default x-scheme-handler/sip = %q after install", got)
	}
	d.make("uninstall")
	filepath.WalkDir(d.home, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			t.Errorf("left behind: %s", p)
		}
		return err
	})
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
