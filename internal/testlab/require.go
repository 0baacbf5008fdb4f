// Package testlab starts real third-party servers (Kamailio, baresip, Xvfb,
// ...) for tests.
//
// It is also the one place that keeps them out of `go test -short` (make
// unit): Require, which every starter calls first, skips the test under
// -short, and the starters refuse to run a process under -short in case a
// caller got past it.
package testlab

import (
	"errors"
	"os"
	"runtime"
	"testing"
)

// Require skips the test under -short: what it needs is a real component, not
// a unit; and on Windows, where the tests run under Wine, as what it
// needs is a Linux program. Otherwise it fails the test when CI=true and bin is not on PATH
// (CI must run everything), and skips it elsewhere with a hint on the Debian
// package that provides bin. Besides PATH, the sbin directories are searched
// (Debian puts kamailio in /usr/sbin, which is not on the PATH of non-root
// users).
func Require(t testing.TB, bin, debianPkg string) {
	t.Helper()
	if testing.Short() {
		t.Skip("testlab: " + bin + " needs a server; not in -short")
	}
	if runtime.GOOS == "windows" {
		// The Windows build's tests run under Wine on the Linux test
		// machine, whose programs a Windows process cannot start.
		t.Skip("testlab: " + bin + " is a program of the Linux test machine (Debian " + debianPkg + "); not run from the Windows build")
	}
	if _, err := lookBin(bin); err == nil {
		return
	}
	msg := bin + " not found on PATH; install with: apt-get install " + debianPkg
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// errShort is what a starter returns when asked to run a process under
// -short, which Require should have prevented.
var errShort = errors.New("testlab: refusing to start a server under -short (call Require first)")

// startAllowed is checked right before a process is started.
func startAllowed() error {
	if testing.Short() {
		return errShort
	}
	return nil
}
