//go:build linux && !android

package tray

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestSystrayUnderWine cross-builds this package's tests for Windows (with
// mingw and the libopus of `make windows`, as core needs) and runs
// TestSystrayWindows in a fresh Wine prefix on Xvfb: the icon's window,
// its message loop on its own thread, the .ico pictures, a menu command
// and the way out, on Wine's shell.
func TestSystrayUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for Windows, starts Wine and Xvfb")
	}
	testlab.Require(t, "Xvfb", "xvfb")
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	opus := filepath.Join(repo, "build", "windows", "opus")
	if out, err := exec.Command(filepath.Join(repo, "deploy", "windows", "opus.sh"), opus).CombinedOutput(); err != nil {
		t.Fatalf("opus.sh: %v\n%s", err, out)
	}
	w := testlab.StartWine(t, repo)
	exe := filepath.Join(t.TempDir(), "tray.test.exe")
	build := exec.Command("go", "test", "-c", "-tags", "nolibopusfile", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=1", "CC=x86_64-w64-mingw32-gcc",
		"CGO_CFLAGS=-w", "PKG_CONFIG_LIBDIR="+filepath.Join(opus, "lib", "pkgconfig"))
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("cross-build the tests: %v\n%s", err, out)
	}
	display := testlab.StartXvfb(t, 95)
	// The prefix's desktop process started with no display: end it, so
	// the next one starts on Xvfb.
	kill := exec.Command("wineserver", "-k")
	kill.Env = append(os.Environ(), "WINEPREFIX="+w.Prefix)
	_ = kill.Run()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := w.Command(ctx, []string{"DISPLAY=" + display}, exe, "-test.run", "^TestSystrayWindows$", "-test.v", "-test.timeout", "60s").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestSystrayWindows") {
		t.Fatalf("the Windows tray test under Wine: %v\n%s", err, out)
	}
	t.Logf("under Wine:\n%s", out)
}
