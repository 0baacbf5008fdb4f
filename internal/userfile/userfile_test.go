package userfile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestRestrictThenCheck: a new file may be readable by others (Unix
// umask, Windows folder inheritance); Restrict makes Check pass.
func TestRestrictThenCheck(t *testing.T) {
	skipUnderWine(t)
	path := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	openUp(t, path)
	err := Check(path)
	var shared *SharedError
	if !errors.Is(err, ErrShared) || !errors.As(err, &shared) || shared.Who == "" {
		t.Fatalf("Check on a shared file: %v", err)
	}
	if err := Restrict(path); err != nil {
		t.Fatal(err)
	}
	if err := Check(path); err != nil {
		t.Fatalf("Check after Restrict: %v", err)
	}
	// The owner can still read and write it.
	if err := os.WriteFile(path, []byte("y"), 0o600); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != "y" {
		t.Fatalf("read back: %q %v", b, err)
	}
}

func TestCheckMissingFile(t *testing.T) {
	err := Check(filepath.Join(t.TempDir(), "none"))
	if err == nil || errors.Is(err, ErrShared) {
		t.Fatalf("missing file: %v", err)
	}
}
