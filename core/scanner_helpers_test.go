package core_test

import (
	"os"
	"runtime"
	"testing"
)

// openFiles counts this process's open descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	if runtime.GOOS == "windows" {
		// Under Wine /proc/self/fd would name the Wine host process's.
		t.Skip("Windows has no count of a process's sockets alone: its handle count moves with the threads the Go runtime starts")
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("cannot count descriptors here: %v", err)
	}
	return len(ents)
}
