package testlab

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Wine 8.0 stubs RegisterTouchWindow and EnableMouseInPointer (they fail),
// and Gio's window gives up when either fails. The test builds use a copy
// of Gio whose app/os_windows.go goes on without them: the window then
// opens and takes the keyboard, but no pointer input reaches it (Gio reads
// only WM_POINTER* messages, which Wine never sends). Windows has both
// calls, so what is shipped is left alone.
//
// An -overlay cannot do it (Go refuses to overlay files in the module
// cache): the copy is a module directory of its own, which a copy of
// go.mod replaces gioui.org with (-modfile).

// gioRelaxed are the two checks, replaced whole: each must be found once,
// or the build fails (Gio changed; look again).
var gioRelaxed = []struct{ old, new string }{
	{"if err := windows.RegisterTouchWindow(hwnd, 0); err != nil {\n\t\treturn err\n\t}",
		"_ = windows.RegisterTouchWindow(hwnd, 0) // stubbed by Wine 8.0"},
	{"if err := windows.EnableMouseInPointer(1); err != nil {\n\t\treturn err\n\t}",
		"_ = windows.EnableMouseInPointer(1) // stubbed by Wine 8.0"},
}

// gioWineFlags prepares the relaxed copy of the Gio repo builds with
// (kept in repo's build/windows, so the build cache keeps its packages
// between runs) and a go.mod in dir that uses it, and returns the
// GOFLAGS entry of the test builds.
func gioWineFlags(repo, dir string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}} {{.Version}}", "gioui.org")
	cmd.Dir = repo
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m gioui.org: %w", err)
	}
	src, version, ok := strings.Cut(strings.TrimSpace(string(out)), " ")
	if !ok || src == "" {
		return "", fmt.Errorf("go list -m gioui.org: %q: not downloaded?", out)
	}
	copyDir, err := relaxedGioCopy(src, filepath.Join(repo, "build", "windows", "gio-wine"), version)
	if err != nil {
		return "", err
	}
	mod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return "", err
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		return "", err
	}
	modfile := filepath.Join(dir, "go.mod")
	mod = fmt.Appendf(mod, "\nreplace gioui.org => %s\n", copyDir)
	if err := os.WriteFile(modfile, mod, 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
		return "", err
	}
	flags := strings.TrimSpace(os.Getenv("GOFLAGS") + " -modfile=" + modfile)
	return "GOFLAGS=" + flags, nil
}

// relaxedGioCopy returns a directory under keep holding Gio's module
// from src with app/os_windows.go relaxed, making it if it is not there
// yet (into a temporary name, then renamed: test processes may race).
func relaxedGioCopy(src, keep, version string) (string, error) {
	orig, err := os.ReadFile(filepath.Join(src, "app", "os_windows.go"))
	if err != nil {
		return "", err
	}
	relaxed, err := relaxGio(string(orig))
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(src, "app", "os_windows.go"), err)
	}
	h := sha256.Sum256([]byte(relaxed))
	dst := filepath.Join(keep, version+"-"+hex.EncodeToString(h[:6]))
	if _, err := os.Stat(filepath.Join(dst, "go.mod")); err == nil {
		return dst, nil
	}
	if err := os.MkdirAll(keep, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(keep, "partial-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	err = filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(tmp, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o755) // the cache's are read-only: this copy must go away
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if rel == filepath.Join("app", "os_windows.go") {
			b = []byte(relaxed)
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		return "", fmt.Errorf("copy %s: %w", src, err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		if _, statErr := os.Stat(filepath.Join(dst, "go.mod")); statErr == nil {
			return dst, nil // another test process made it first
		}
		return "", err
	}
	return dst, nil
}

// relaxGio returns src with gioRelaxed applied, or an error naming the
// check it could not find exactly once.
func relaxGio(src string) (string, error) {
	for _, r := range gioRelaxed {
		if n := strings.Count(src, r.old); n != 1 {
			return "", fmt.Errorf("the check testlab's Wine build relaxes was found %d times, want 1: update it:\n%s", n, r.old)
		}
		src = strings.Replace(src, r.old, r.new, 1)
	}
	return src, nil
}
