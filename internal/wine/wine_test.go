package wine

import (
	"os"
	"runtime"
	"testing"
)

// TestRunning checks the detection against what started the test: the
// Windows sweep (internal/winsweep) runs it under Wine and says so in
// the environment; nothing else does.
func TestRunning(t *testing.T) {
	want := os.Getenv(EnvSweep) != ""
	if got := Running(); got != want {
		t.Fatalf("Running() = %v on %s with %s=%q", got, runtime.GOOS, EnvSweep, os.Getenv(EnvSweep))
	}
}

func TestSkip(t *testing.T) {
	var skipped bool
	t.Run("inner", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		Skip(t, "a gap of Wine's")
	})
	if skipped != Running() {
		t.Fatalf("skipped %v, running under Wine %v", skipped, Running())
	}
}
