//go:build !nogui

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestFirstFrameReporter checks the line the window prints after its first
// frame: one JSON object with --json, an Info log line otherwise.
func TestFirstFrameReporter(t *testing.T) {
	at := time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.UTC)
	var out, logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))

	firstFrameReporter(&out, true, log)(at)
	if !strings.HasSuffix(out.String(), "}\n") || strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("--json output %q, want one JSON line", out.String())
	}
	var e struct{ Event, State, At string }
	if err := json.Unmarshal(out.Bytes(), &e); err != nil {
		t.Fatalf("--json output %q: %v", out.String(), err)
	}
	if e.Event != "window" || e.State != "first_frame" {
		t.Errorf("event %q state %q, want window first_frame", e.Event, e.State)
	}
	if got, err := time.Parse(time.RFC3339Nano, e.At); err != nil || !got.Equal(at) {
		t.Errorf("at %q (%v), want %s", e.At, err, at.Format(time.RFC3339Nano))
	}
	if logs.Len() != 0 {
		t.Errorf("--json also logged %q", logs.String())
	}

	out.Reset()
	firstFrameReporter(&out, false, log)(at)
	if out.Len() != 0 {
		t.Errorf("without --json, stdout got %q", out.String())
	}
	if l := logs.String(); !strings.Contains(l, "level=INFO") || !strings.Contains(l, "first frame") {
		t.Errorf("without --json, log %q, want an Info line about the first frame", l)
	}
}

// TestGUIFirstFrame runs the real window under Xvfb and checks that it
// reports its first frame once, after the window exists and shows drawn
// pixels, although the caret's blinking keeps drawing frames.
func TestGUIFirstFrame(t *testing.T) {
	_, xenv := windowDisplay(t, "starts Xvfb and the window")
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n")

	cmd := exec.Command(buildBinary(t), "--json", "--config", cfg, "--data", t.TempDir())
	cmd.Env = xenv
	var stderr testlab.SyncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	started := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
			exited <- nil
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
		}
	}
	t.Cleanup(stop)
	lines := make(chan string, 64)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()

	var first struct{ Event, State, At string }
	deadline := time.After(30 * time.Second)
	for first.State != "first_frame" {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("output ended before the first frame (exit: %v)\nstderr:\n%s", waitExit(exited), stderr.String())
			}
			if err := json.Unmarshal([]byte(l), &first); err != nil {
				t.Fatalf("not a JSON line %q: %v", l, err)
			}
			if first.Event != "window" {
				first.State = ""
			}
		case <-deadline:
			t.Fatalf("no first_frame line in 30 s\nstderr:\n%s", stderr.String())
		}
	}
	reported := time.Now()
	at, err := time.Parse(time.RFC3339Nano, first.At)
	if err != nil {
		t.Fatalf("first_frame at %q: %v", first.At, err)
	}
	if at.Before(started) || at.After(reported) {
		t.Errorf("first_frame at %s, outside [exec %s, read %s]", at, started, reported)
	}
	t.Logf("exec → first_frame line: %v", reported.Sub(started).Round(time.Millisecond))

	// The frame was swapped to the window before the line: the window is
	// mapped and shows more than one colour (an undrawn one is uniform).
	win := strings.Fields(xdotool(t, xenv, 10*time.Second, "search", "--onlyvisible", "--name", "Softphone"))[0]
	ictx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	imp := exec.CommandContext(ictx, "import", "-window", win, "-format", "%k", "info:")
	imp.Env = xenv
	colours, err := imp.Output()
	if err != nil {
		t.Fatalf("import -window %s: %v", win, err)
	}
	if n, err := strconv.Atoi(strings.TrimSpace(string(colours))); err != nil || n < 3 {
		t.Errorf("window %s has %q colours after the first frame, want a drawn window", win, colours)
	}

	// More frames (the caret blinks every 0.5 s, the pointer moves): none
	// is reported again.
	xdotool(t, xenv, 5*time.Second, "mousemove", "--window", win, "20", "20")
	time.Sleep(1500 * time.Millisecond)
	stop()
	for l := range lines {
		if strings.Contains(l, "first_frame") {
			t.Errorf("first_frame reported again: %s", l)
		}
	}
}
