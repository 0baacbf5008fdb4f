package api

import (
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

func TestTokenIsMadeOncePrivateAndKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "conf", TokenFile)
	var wg sync.WaitGroup
	toks := make([]string, 8)
	errs := make([]error, 8)
	for i := range toks {
		wg.Go(func() { toks[i], errs[i] = LoadOrCreateToken(path) })
	}
	wg.Wait()
	for i := range toks {
		if errs[i] != nil || toks[i] != toks[0] {
			t.Fatalf("racing creators: %q %v vs %q", toks[i], errs[i], toks[0])
		}
	}
	if len(toks[0]) < 43 {
		t.Fatalf("token %q is short", toks[0])
	}
	st, err := os.Stat(path)
	// Windows has no mode bits: there the profile directory is private.
	if err != nil || runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	again, err := LoadOrCreateToken(path)
	if err != nil || again != toks[0] {
		t.Fatalf("reloaded %q %v, want the same token", again, err)
	}
	rotated, err := RotateToken(path)
	if err != nil || rotated == toks[0] {
		t.Fatalf("rotated %q %v, want a new token", rotated, err)
	}
}

func TestTokenOthersCanReadIsRefused(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows has no mode bits to give others: the profile directory's ACL keeps the token private")
	}
	path := filepath.Join(t.TempDir(), TokenFile)
	if _, err := LoadOrCreateToken(path); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadToken(path); err == nil {
		t.Fatal("a world-readable token was accepted")
	}
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadToken(path); err == nil {
		t.Fatal("a file without a token was accepted")
	}
}

func TestBearer(t *testing.T) {
	for h, want := range map[string]string{
		"Bearer abc":   "abc",
		"bearer  abc ": "abc",
		"Basic abc":    "",
		"abc":          "",
		"":             "",
	} {
		if got := bearer(h); got != want {
			t.Errorf("bearer(%q) = %q, want %q", h, got, want)
		}
	}
	if sameToken("", "") {
		t.Error("an empty token matched an empty one")
	}
}
