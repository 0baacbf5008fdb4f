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
	w := testlab.StartWine(t, repo)
	exe := testlab.BuildWindowsTests(t, repo, ".")
	display := testlab.StartXvfb(t, 95)
	// End the prefix's server, and with it what Wine started without a
	// display, so that the shell the tray needs starts on Xvfb; and wait
	// until it is gone: a program started meanwhile joins the dying
	// server and is killed with it.
	for _, arg := range []string{"-k", "-w"} {
		server := exec.Command("wineserver", arg)
		server.Env = append(os.Environ(), "WINEPREFIX="+w.Prefix)
		_ = server.Run()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := w.Command(ctx, []string{"DISPLAY=" + display}, exe, "-test.run", "^TestSystrayWindows$", "-test.v", "-test.timeout", "60s").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestSystrayWindows") {
		t.Fatalf("the Windows tray test under Wine: %v\n%s", err, out)
	}
	t.Logf("under Wine:\n%s", out)
}
