package testlab

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// BuildWindowsTests cross-builds the tests of the package in dir (`go
// test -c`) with the Wine tests' toolchain and returns the program's
// path: a Linux test can then run a Windows test under Wine and look at
// what it does from outside (the screen, the registry).
func BuildWindowsTests(t testing.TB, repo, dir string) string {
	t.Helper()
	Require(t, "x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64")
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	env, overlay, err := WindowsToolchain(repo, work)
	if err != nil {
		t.Fatalf("testlab: %v", err)
	}
	exe := filepath.Join(work, filepath.Base(dir)+".test.exe")
	build := exec.Command("go", "test", "-c", "-overlay", overlay, "-tags", "nolibopusfile", "-o", exe, ".")
	build.Dir, build.Env = dir, env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("testlab: cross-build the tests of %s: %v\n%s", dir, err, out)
	}
	return exe
}
