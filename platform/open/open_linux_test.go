//go:build linux

package open

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeOpener puts an xdg-open script with body first in PATH for the
// test; the product's own xdg-open is never replaced.
func fakeOpener(t *testing.T, body string) (dir string) {
	t.Helper()
	dir = t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "xdg-open"), []byte("#!/bin/sh\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

func TestBrowserRunsXDGOpen(t *testing.T) {
	dir := fakeOpener(t, "printf '%s\\0' \"$@\" > \"$(dirname \"$0\")/args\"\n")
	u := "https://crm.example/lookup?n=%2B44207946&who=Eve+%26+%22Co%22&x=$(id)"
	if err := Browser().Open(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "args"))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(b); got != u+"\x00" {
		t.Errorf("xdg-open got %q, want the one argument %q", got, u)
	}
}

func TestBrowserRefusesOtherSchemes(t *testing.T) {
	dir := fakeOpener(t, "touch \"$(dirname \"$0\")/ran\"\n")
	for _, u := range []string{"file:///etc/passwd", "--help", "javascript:alert(1)", "/tmp/x.html", "https://"} {
		if err := Browser().Open(context.Background(), u); err == nil {
			t.Errorf("Open(%q) = nil", u)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "ran")); err == nil {
		t.Error("xdg-open ran for a URL that is not http(s)")
	}
}

func TestBrowserFailure(t *testing.T) {
	fakeOpener(t, "echo 'no method available for opening' >&2\nexit 4\n")
	err := Browser().Open(context.Background(), "https://crm.example/")
	if err == nil || !strings.Contains(err.Error(), "exit status 4") || !strings.Contains(err.Error(), "no method available") {
		t.Errorf("Open = %v, want the exit status and stderr", err)
	}
}

// TestBrowserBoundedByContext: an opener that does not return is killed
// at the end of the context.
func TestBrowserBoundedByContext(t *testing.T) {
	fakeOpener(t, "exec sleep 60\n")
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := Browser().Open(ctx, "https://crm.example/"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Open = %v, want the context's deadline", err)
	}
}
