package testlab

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// wineboot runs with no display, and the desktop it starts (explorer.exe
// /desktop) outlives it by a few seconds (up to 5.5 s seen). A program that opens a window on a
// display while that desktop is still there is refused its window by Wine
// 8.0: CreateWindowEx returns NULL with no error (seen within about 1 s
// of wineboot; Gio's window then panics). Once it has gone, the first
// program with a display starts a desktop on that display, and its
// windows open.

// waitBootDesktop waits (bounded by ctx) until no explorer.exe of prefix
// runs, and returns how long that took.
func waitBootDesktop(ctx context.Context, prefix string) (time.Duration, error) {
	start := time.Now()
	for {
		running, err := wineProcessRunning(prefix, "explorer.exe")
		if err != nil {
			return time.Since(start), err
		}
		if !running {
			return time.Since(start), nil
		}
		select {
		case <-ctx.Done():
			return time.Since(start), fmt.Errorf("the desktop of wineboot in %s is still there: %w", prefix, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// wineProcessRunning tells whether a process of prefix (its WINEPREFIX)
// has name in its command line. Processes that end while being read, or
// that are not ours to read, do not count.
func wineProcessRunning(prefix, name string) (bool, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return false, fmt.Errorf("testlab: list processes: %w", err)
	}
	want := []byte("WINEPREFIX=" + prefix)
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err != nil || !bytes.Contains(cmdline, []byte(name)) {
			continue
		}
		environ, err := os.ReadFile(filepath.Join("/proc", e.Name(), "environ"))
		if err != nil {
			continue
		}
		for _, v := range bytes.Split(environ, []byte{0}) {
			if bytes.Equal(v, want) {
				return true, nil
			}
		}
	}
	return false, nil
}
