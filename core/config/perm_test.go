package config

import (
	"os"
	"runtime"
	"testing"
)

// noPermBits is why a check of permission bits does not apply on
// Windows: os.Stat reports 0666 (or 0444 for read-only) there, and who
// may read a file is its ACL, inherited from the user's profile.
const noPermBits = "Windows has no permission bits: a file's ACL, inherited from the user's profile, says who may read it"

// checkPerm fails t if path's permission bits are not want; on Windows
// it only logs why it checks nothing.
func checkPerm(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Logf("%s: not checked: %s", path, noPermBits)
		return
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%s: %v", path, err)
	} else if fi.Mode().Perm() != want {
		t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
	}
}
