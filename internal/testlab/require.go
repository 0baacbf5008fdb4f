// Package testlab starts real third-party servers (Kamailio, ...) for tests.
package testlab

import (
	"os"
	"testing"
)

// Require fails the test when CI=true and bin is not on PATH, otherwise skips
// it with a hint on the Debian package that provides bin. Besides PATH, the
// sbin directories are searched (Debian puts kamailio in /usr/sbin, which is
// not on the PATH of non-root users).
func Require(t testing.TB, bin, debianPkg string) {
	t.Helper()
	if _, err := lookBin(bin); err == nil {
		return
	}
	msg := bin + " not found on PATH; install with: apt-get install " + debianPkg
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}
