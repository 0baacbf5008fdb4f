//go:build !nogui

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
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
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))

	bin := buildBinary(t)
	cmd := exec.Command(bin, "--config", cfg, "--json")
	cmd.Env = xenv
	var stderr testlab.SyncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// SIGTERM closes the window and unregisters; kill if it lingers.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("softphone stderr:\n%s", stderr.String())
		}
	})
	events := make(chan map[string]any, 256)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("not a JSON line on stdout %q: %v", sc.Text(), err)
				continue
			}
			events <- m
		}
	}()
	// waitEvent waits for an event of kind whose fields hold want.
	waitEvent := func(what string, d time.Duration, kind string, want map[string]string) map[string]any {
		t.Helper()
		deadline := time.After(d)
		for {
			select {
			case e, ok := <-events:
				if !ok {
					t.Fatalf("the program's output ended before %s (exit: %v)\nstderr:\n%s", what, waitExit(exited), stderr.String())
				}
				if e["event"] != kind {
					continue
				}
				match := true
				for k, v := range want {
					if fmt.Sprint(e[k]) != v {
						match = false
					}
				}
				if match {
					return e
				}
			case <-deadline:
				t.Fatalf("no %s within %v", what, d)
			}
		}
	}

	waitEvent("registration of alice", 20*time.Second, "registration", map[string]string{"account": "alice", "state": "registered"})
	win := xdotool(t, xenv, 20*time.Second, "search", "--sync", "--name", "Softphone")
	win = strings.Fields(win)[0]
	t.Logf("window %s on %s", win, display)
	// No window manager: give the window the keyboard focus and the pointer.
	xdotool(t, xenv, 5*time.Second, "windowfocus", "--sync", win)
	xdotool(t, xenv, 5*time.Second, "mousemove", "--window", win, "5", "5")
	time.Sleep(300 * time.Millisecond) // let the first frames draw

	xdotool(t, xenv, 10*time.Second, "type", "--delay", "50", "bob")
	xdotool(t, xenv, 5*time.Second, "key", "Return")
	waitEvent("a call event after typing bob and Return (did the keys reach the number field? it must have the focus when the window opens)",
		10*time.Second, "call", nil)
	connected := waitEvent("call connected", 20*time.Second, "call", map[string]string{"state": "connected"})
	id := fmt.Sprint(connected["id"])
	if uri := fmt.Sprint(connected["remote"]); !strings.Contains(uri, "bob@") {
		t.Errorf("connected call's remote %s, want bob", uri)
	}
	t.Logf("call %s connected: %v", id, connected)

	time.Sleep(500 * time.Millisecond) // the in-call screen draws
	// SOFTPHONE_SCREENSHOT_DIR keeps the picture (CI artifacts); by default
	// it goes with the test's temporary directory.
	dir := os.Getenv("SOFTPHONE_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	shot := filepath.Join(dir, "gui-in-call.png")
	ictx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	imp := exec.CommandContext(ictx, "import", "-window", win, shot)
	imp.Env = xenv
	if out, err := imp.CombinedOutput(); err != nil {
		t.Errorf("import -window %s: %v\n%s", win, err, out)
	} else {
		t.Logf("screenshot of the in-call window: %s", shot)
	}

	xdotool(t, xenv, 5*time.Second, "key", "Escape")
	ended := waitEvent("call ended", 15*time.Second, "call", map[string]string{"id": id, "state": "ended"})
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
