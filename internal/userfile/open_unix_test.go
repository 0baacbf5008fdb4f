//go:build !windows

package userfile

import (
	"os"
	"testing"
)

// openUp lets everyone read path.
func openUp(t *testing.T, path string) {
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func skipUnderWine(*testing.T) {}
