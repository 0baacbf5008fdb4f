package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the tests (and the programs they start) away from the
// user's real configuration and history: the default directories point
// into a temporary one.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "softphone-cmd-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
