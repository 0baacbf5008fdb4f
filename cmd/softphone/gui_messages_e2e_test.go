//go:build !nogui

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// Where the window (1024×700 dp at 1 px per dp under Xvfb, desktop
// layout: the navigation rail, the conversations, the thread) has the
// controls this test uses.
var (
	atMessagesTab = [2]int{70, 144}
	atFirstConv   = [2]int{300, 83}
	atNewMessage  = [2]int{463, 28}
)

// TestGUIMessagesEndToEnd runs the real program's window under Xvfb as
// alice, with Kamailio, baresip as bob, and the CLI as carol: carol's
// MESSAGE reaches the window (stored, unread); opening the conversation
// marks it read in the database; a reply to carol (not registered) fails
// with 404; a new conversation typed to bob is delivered.
func TestGUIMessagesEndToEnd(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	_, xenv := windowDisplay(t, "starts Xvfb, Kamailio, baresip and the window")

	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k})
	cfg := consoleConfig(t, k, "")
	carolCfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "carol", "carol", "carol-secret", "udp", k.UDPAddr, ""))
	data := t.TempDir()

	w := openAliceWindow(t, xenv, "--config", cfg, "--data", data)

	// carol writes; the window gets it and stores it unread.
	if code, out, errOut := runCLI(t, "message", "send", "--config", carolCfg, "--data", t.TempDir(), "alice", "Hello from carol"); code != exitOK {
		t.Fatalf("carol's message: exit %d\n%s\n%s", code, out, errOut)
	}
	w.waitEvent("carol's message in the window", 10*time.Second, "message", map[string]string{"incoming": "true", "text": "Hello from carol"})
	waitFor(t, "carol's message stored unread", 5*time.Second, func() bool { return conversation(t, data, "carol")["unread"] == "1" })
	w.screenshot("gui-messages-badge.png")

	// Open it: after a moment it counts as read, in the database too.
	w.click(atMessagesTab)
	w.click(atFirstConv)
	waitFor(t, "carol's conversation marked read", 5*time.Second, func() bool { return conversation(t, data, "carol")["unread"] == "0" })

	// The field has the keyboard: a reply, with Return. carol has no
	// phone registered any more: the proxy says 404.
	w.xdotool("type", "--delay", "30", "Hi carol")
	w.xdotool("key", "Return")
	failed := w.waitEvent("the reply's failure", 20*time.Second, "message", map[string]string{"state": "failed", "text": "Hi carol"})
	if fmt.Sprint(failed["code"]) != "404" || !strings.Contains(fmt.Sprint(failed["peer"]), "carol@") {
		t.Fatalf("reply %v, want a 404 from the proxy for carol", failed)
	}
	w.screenshot("gui-messages-failed.png")

	// A new conversation: the address, Return, the text, Return.
	w.click(atNewMessage)
	w.xdotool("type", "--delay", "30", "bob")
	w.xdotool("key", "Return")
	w.xdotool("type", "--delay", "30", "Hello bob")
	w.xdotool("key", "Return")
	w.screenshot("gui-messages-new.png")
	delivered := w.waitEvent("the message to bob delivered", 20*time.Second, "message", map[string]string{"state": "delivered", "text": "Hello bob"})
	if !strings.Contains(fmt.Sprint(delivered["peer"]), "bob@") {
		t.Fatalf("delivered %v, want bob", delivered)
	}
	waitFor(t, "bob's conversation stored", 5*time.Second, func() bool {
		c := conversation(t, data, "bob")
		return c != nil && c["state"] == "delivered"
	})
	w.screenshot("gui-messages-bob.png")
}

// conversation is the summary of the conversation with user in the
// database at data, as `softphone messages --json` prints it (unread, and
// the last message's state), nil if there is none.
func conversation(t *testing.T, data, user string) map[string]string {
	t.Helper()
	code, out, errOut := runCLI(t, "messages", "--data", data, "--json")
	if code != exitOK {
		t.Fatalf("softphone messages: exit %d: %s", code, errOut)
	}
	for _, c := range jsonEvents(t, out) {
		if strings.Contains(fmt.Sprint(c["peer"]), user+"@") {
			last, _ := c["last"].(map[string]any)
			return map[string]string{"unread": fmt.Sprint(c["unread"]), "state": fmt.Sprint(last["state"])}
		}
	}
	return nil
}

// waitFor polls ok until it holds, failing after d.
func waitFor(t *testing.T, what string, d time.Duration, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, d)
		}
	}
}

// window is the program's window under Xvfb and its --json events.
type window struct {
	t      *testing.T
	env    []string
	id     string
	events chan map[string]any
	exited chan error
	stderr *testlab.SyncBuffer
}

// startWindow runs the program with args on the display of env.
func startWindow(t *testing.T, env []string, args ...string) *window {
	t.Helper()
	w := &window{t: t, env: env, events: make(chan map[string]any, 256), exited: make(chan error, 1), stderr: &testlab.SyncBuffer{}}
	cmd := exec.Command(buildBinary(t), args...)
	cmd.Env, cmd.Stderr = env, w.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-w.exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-w.exited
		}
		if t.Failed() {
			t.Logf("softphone stderr:\n%s", w.stderr.String())
		}
	})
	go func() {
		defer close(w.events)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				t.Errorf("not a JSON line on stdout %q: %v", sc.Text(), err)
				continue
			}
			w.events <- m
		}
	}()
	return w
}

// openAliceWindow runs the program's window with args and --json, and
// returns it once alice is registered and the window found.
func openAliceWindow(t *testing.T, env []string, args ...string) *window {
	t.Helper()
	w := startWindow(t, env, append(args, "--json")...)
	w.waitEvent("registration of alice", 20*time.Second, "registration", map[string]string{"account": "alice", "state": "registered"})
	w.find()
	return w
}

// waitEvent waits for an event of kind whose fields hold want.
func (w *window) waitEvent(what string, d time.Duration, kind string, want map[string]string) map[string]any {
	w.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-w.events:
			if !ok {
				w.t.Fatalf("the program's output ended before %s (exit: %v)\nstderr:\n%s", what, waitExit(w.exited), w.stderr.String())
			}
			if e["event"] == "blf" || e["event"] == "message" {
				w.t.Logf("%s event %v", e["event"], e)
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
			w.t.Fatalf("no %s within %v", what, d)
		}
	}
}

// find waits for the window, gives it the keyboard and the pointer (there
// is no window manager) and lets its first frames draw.
func (w *window) find() {
	w.t.Helper()
	w.id = strings.Fields(xdotool(w.t, w.env, 20*time.Second, "search", "--sync", "--name", "Softphone"))[0]
	w.xdotool("windowfocus", "--sync", w.id)
	w.xdotool("mousemove", "--window", w.id, "5", "5")
	time.Sleep(300 * time.Millisecond)
}

func (w *window) xdotool(args ...string) string {
	w.t.Helper()
	return xdotool(w.t, w.env, 10*time.Second, args...)
}

// click clicks at a point of the window and lets it draw.
func (w *window) click(at [2]int) {
	w.t.Helper()
	w.xdotool("mousemove", "--window", w.id, fmt.Sprint(at[0]), fmt.Sprint(at[1]), "click", "1")
	time.Sleep(300 * time.Millisecond)
}

// screenshot keeps a picture of the window (SOFTPHONE_SCREENSHOT_DIR, else
// the test's temporary directory).
func (w *window) screenshot(name string) {
	w.t.Helper()
	time.Sleep(300 * time.Millisecond)
	dir := os.Getenv("SOFTPHONE_SCREENSHOT_DIR")
	if dir == "" {
		dir = w.t.TempDir()
	}
	path := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	imp := exec.CommandContext(ctx, "import", "-window", w.id, path)
	imp.Env = w.env
	if out, err := imp.CombinedOutput(); err != nil {
		w.t.Errorf("import -window %s: %v\n%s", w.id, err, out)
		return
	}
	w.t.Logf("screenshot: %s", path)
}
