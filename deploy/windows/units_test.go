// Package windows_test runs the tree's unit tests on Windows, under
// Debian's Wine: each package's tests are cross-built with mingw-w64 (as
// `make windows` builds the program) and run with -test.short in a
// private Wine prefix.
package windows_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// notOnWindows are the packages whose tests are not built for Windows,
// and why.
var notOnWindows = map[string]string{
	"core/video/vp8":    "libvpx is not cross-built for mingw: the Windows build has no VP8",
	"core/video/h264":   "openh264 is not cross-built for mingw: the Windows build has no H.264",
	"core/videosession": "its tests encode and decode VP8 and H.264 (see core/video/vp8, h264)",
	"cmd/softphone":     "its tests drive Linux programs (Kamailio, baresip, Xvfb); the Windows programs themselves are run under Wine by TestWindowsBuildUnderWine and TestWindowsInstallerUnderWine",
	"internal/testlab":  "it starts Linux servers",
	"internal/bench":    "it starts Linux servers",
	"deploy/linux":      "the Linux desktop install",
	"deploy/windows":    "this package: it runs the others",
	"gui":               "its tests draw with Gio's headless GPU (Mesa EGL), which Wine has not",
}

// TestUnitTestsUnderWine cross-builds every other package's tests and
// runs them under Wine, two at a time; any failure fails this test with
// its output. It runs with `make test-windows-units` (WINE_UNITS=1), not
// yet in `make test`: core/config's save tests assume POSIX file
// semantics (Wine refuses to rename over an open file; no mode bits, no
// symlinks), and core/account's timing tests fail under the load of
// Wine beside another package.
func TestUnitTestsUnderWine(t *testing.T) {
	if os.Getenv("WINE_UNITS") == "" {
		t.Skip("run with make test-windows-units (WINE_UNITS=1)")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	w := testlab.StartWine(t, repo)
	work := t.TempDir()
	env, overlay := testlab.WindowsToolchain(t, repo, work)
	list := exec.Command("go", "list", "./...")
	list.Dir = repo
	out, err := list.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []string
	for _, p := range strings.Fields(string(out)) {
		rel := strings.TrimPrefix(strings.TrimPrefix(p, "github.com/softphone/softphone"), "/")
		if why, skip := skipped(rel); skip {
			t.Logf("not under Wine: %s: %s", rel, why)
			continue
		}
		pkgs = append(pkgs, rel)
	}
	sem := make(chan struct{}, 2)
	var mu sync.Mutex
	var failed []string
	var wg sync.WaitGroup
	for _, rel := range pkgs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res, err := runUnderWine(w, repo, env, overlay, work, rel)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err != nil:
				failed = append(failed, rel)
				t.Errorf("%s under Wine: %v\n%s", rel, err, failures(res))
			case res != "":
				t.Logf("%s: %s", rel, res)
			}
		})
	}
	wg.Wait()
	t.Logf("%d packages' tests ran under Wine; failed: %v", len(pkgs), failed)
}

// skipped says whether rel (or a package above it) is not run on
// Windows, and why.
func skipped(rel string) (string, bool) {
	for p, why := range notOnWindows {
		if rel == p || strings.HasPrefix(rel, p+"/") {
			return why, true
		}
	}
	return "", false
}

// runUnderWine builds rel's tests for Windows and runs them; "" with no
// test files.
func runUnderWine(w *testlab.Wine, repo string, env []string, overlay, work, rel string) (string, error) {
	exe := filepath.Join(work, strings.ReplaceAll(rel, "/", "_")+".test.exe")
	build := exec.Command("go", "test", "-c", "-overlay", overlay, "-tags", "nolibopusfile", "-o", exe, "./"+rel)
	build.Dir, build.Env = repo, env
	if out, err := build.CombinedOutput(); err != nil {
		return string(out), fmt.Errorf("build: %w", err)
	}
	if _, err := os.Stat(exe); err != nil {
		return "", nil // no test files
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	// The tests read their testdata from the package directory.
	run := w.Command(ctx, nil, exe, "-test.short", "-test.count=1")
	run.Dir = filepath.Join(repo, rel)
	start := time.Now()
	out, err := run.CombinedOutput()
	if err != nil {
		return string(out), err
	}
	return fmt.Sprintf("ok in %v", time.Since(start).Round(10*time.Millisecond)), nil
}

// failures is what a failed test run says of its failures: the FAIL
// lines and the test's own messages (not its log), else its last lines.
func failures(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "--- FAIL") || strings.HasPrefix(t, "panic:") || strings.Contains(t, "_test.go:") {
			keep = append(keep, l)
		}
	}
	if len(keep) == 0 {
		if len(out) > 3000 {
			out = "…" + out[len(out)-3000:]
		}
		return out
	}
	return strings.Join(keep, "\n")
}
