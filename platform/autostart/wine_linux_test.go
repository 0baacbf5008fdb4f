//go:build linux && !android

package autostart

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestRunKeyUnderWine cross-builds this package's tests for Windows and
// runs TestRunKey in a fresh Wine prefix, on the real Run key there:
// Enable, reg query shows the value, Disable, reg query finds nothing.
func TestRunKeyUnderWine(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Wine")
	}
	repo, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	w := testlab.StartWine(t, repo)
	exe := testlab.BuildWindowsTests(t, repo, ".")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := w.Command(ctx, []string{"SOFTPHONE_TEST_REAL_RUN_KEY=1"}, exe, "-test.run", "^(TestRunKey|TestCommandLine)$", "-test.v")
	out, err := run.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestRunKey") || !strings.Contains(string(out), "--- PASS: TestCommandLine") {
		t.Fatalf("the Windows tests under Wine: %v\n%s", err, out)
	}
	t.Logf("under Wine:\n%s", out)
}
