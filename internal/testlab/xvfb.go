package testlab

import (
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// StartXvfb starts an X server (Xvfb, 1280×1024×24, no TCP) on the first
// free display from :first up (test binaries that may run at once start
// from different numbers) and returns its name, e.g. ":90". It is stopped
// when tb ends.
func StartXvfb(tb testing.TB, first int) string {
	tb.Helper()
	Require(tb, "Xvfb", "xvfb")
	if err := startAllowed(); err != nil {
		tb.Fatal(err)
	}
	for n := first; n < first+50; n++ {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if fileExists(fmt.Sprintf("/tmp/.X%d-lock", n)) || fileExists(sock) {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		var log SyncBuffer
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp", "-noreset")
		x.Stdout, x.Stderr = &log, &log
		if err := x.Start(); err != nil {
			tb.Fatalf("Xvfb: %v", err)
		}
		done := make(chan struct{})
		go func() { _ = x.Wait(); close(done) }()
		up := false
		for deadline := time.Now().Add(10 * time.Second); !up && time.Now().Before(deadline); {
			select {
			case <-done:
				deadline = time.Time{} // exited: the display was taken meanwhile, try the next
			case <-time.After(20 * time.Millisecond):
				up = fileExists(sock)
			}
		}
		if !up {
			_ = x.Process.Kill()
			<-done
			tb.Logf("Xvfb %s did not start: %s", display, log.String())
			continue
		}
		tb.Cleanup(func() {
			_ = x.Process.Signal(syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				_ = x.Process.Kill()
				<-done
			}
		})
		return display
	}
	tb.Fatalf("no free X display between :%d and :%d", first, first+49)
	return ""
}

// SyncBuffer collects what a process writes while a test reads it.
type SyncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *SyncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *SyncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
