//go:build !nogui

package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestGUICallEndToEnd runs the real program's window under Xvfb: it types
// "bob" and Return as a user would, checks that the call to an
// auto-answering baresip connects, takes a screenshot, and hangs up with
// Escape. The window's --json flag prints the core's events on stdout.
func TestGUICallEndToEnd(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	display, xenv := windowDisplay(t, "starts Xvfb, Kamailio, baresip and the window")

	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k}) // answers by itself
	cfg := consoleConfig(t, k, "")

	w := openAliceWindow(t, xenv, "--config", cfg)
	t.Logf("window %s on %s", w.id, display)

	w.xdotool("type", "--delay", "50", "bob")
	w.xdotool("key", "Return")
	w.waitEvent("a call event after typing bob and Return (did the keys reach the number field? it must have the focus when the window opens)",
		10*time.Second, "call", nil)
	connected := w.waitEvent("call connected", 20*time.Second, "call", map[string]string{"state": "connected"})
	id := fmt.Sprint(connected["id"])
	if uri := fmt.Sprint(connected["remote"]); !strings.Contains(uri, "bob@") {
		t.Errorf("connected call's remote %s, want bob", uri)
	}
	t.Logf("call %s connected: %v", id, connected)

	time.Sleep(200 * time.Millisecond) // with screenshot's own wait: the in-call screen draws
	w.screenshot("gui-in-call.png")    // SOFTPHONE_SCREENSHOT_DIR keeps it (CI artifacts)

	w.xdotool("key", "Escape")
	ended := w.waitEvent("call ended", 15*time.Second, "call", map[string]string{"id": id, "state": "ended"})
	if ended["reason"] != "hung up" {
		t.Fatalf("call ended with reason %v, want \"hung up\": %v", ended["reason"], ended)
	}
}

// xdotool runs xdotool with args, bounded by d, and returns its output.
func xdotool(t *testing.T, env []string, d time.Duration, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	c := exec.CommandContext(ctx, "xdotool", args...)
	c.Env = env
	var stderr bytes.Buffer
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out))
}

// windowDisplay skips the test where no real window can run (not Linux,
// or -short, saying why), starts Xvfb and returns its display and the
// environment of a program on it (X11 only, a private runtime directory).
func windowDisplay(t *testing.T, why string) (display string, env []string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the X11 end-to-end tests run on Linux")
	}
	if testing.Short() {
		t.Skip(why)
	}
	testlab.Require(t, "xdotool", "xdotool")
	testlab.Require(t, "import", "imagemagick")
	runtimeDir := t.TempDir()
	if err := os.Chmod(runtimeDir, 0o700); err != nil {
		t.Fatal(err)
	}
	display = testlab.StartXvfb(t, 90)
	return display, append(os.Environ(), "DISPLAY="+display, "XDG_RUNTIME_DIR="+runtimeDir, "WAYLAND_DISPLAY=")
}

func waitExit(exited chan error) any {
	select {
	case err := <-exited:
		exited <- err
		if err == nil {
			return "exited 0"
		}
		return err
	case <-time.After(2 * time.Second):
		return "still running"
	}
}
