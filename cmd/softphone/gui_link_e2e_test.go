//go:build linux && !nogui

package main

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestClickedLinksDialInTheOneWindow: a sip: link given to the program
// when no window runs opens the window, which dials it; a second launch
// with a link, as the desktop does on a click, hands the call to the
// running window and exits at once instead of starting another phone.
func TestClickedLinksDialInTheOneWindow(t *testing.T) {
	xenv, k := callsLab(t, "click-to-dial needs a real window")
	bob := pcmuPeer(t, k, "bob")
	cfg := consoleConfig(t, k, "")
	link := "sip:bob@" + k.Domain + "?Subject=from%20a%20web%20page"

	// No window yet: this launch is the window, and it dials the link.
	w := &callsWindow{window: startWindow(t, xenv, "--config", cfg, "--data", t.TempDir(), "--json", "--api", "127.0.0.1:0", link), taken: map[int]bool{}}
	first := w.wait("the linked call connected", 20*time.Second, callIs("", "connected", "bob"))
	// The window serves the API when asked to: it lists the call.
	apiAt := w.wait("the api line", time.Second, func(e map[string]any) bool { return e["event"] == "api" })
	win := &servedPhone{phoneProc: &phoneProc{t: t}, base: "http://" + apiAt["listen"].(string)}
	tok, err := exec.Command(buildBinary(t), "api", "token", "--config", cfg).Output()
	if err != nil {
		t.Fatal(err)
	}
	win.token = strings.TrimSpace(string(tok))
	if calls, _ := win.must("GET", "/v1/calls", nil)["calls"].([]any); len(calls) != 1 || calls[0].(map[string]any)["id"] != first["id"] {
		t.Fatalf("the window's API lists %v, want the linked call", calls)
	}
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	w.wait("the linked call ended", 10*time.Second, callIs(first["id"].(string), "ended", ""))
	w.find()

	// A second launch hands its link to the running window.
	bin := buildBinary(t)
	start := time.Now()
	cmd := exec.Command(bin, "--config", cfg, "callto:bob@"+k.Domain)
	cmd.Env = xenv
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		t.Fatalf("second launch: %v\n%s", err, out)
	}
	t.Logf("the second launch handed its call over and exited in %v", took)
	second := w.wait("the handed call connected", 15*time.Second, callIs("", "connected", "bob"))
	if second["id"] == first["id"] {
		t.Fatal("no new call")
	}
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if ids := strings.Fields(xdotool(t, xenv, 5*time.Second, "search", "--name", "Softphone")); len(ids) != 1 {
		t.Fatalf("%d windows named Softphone, want the one", len(ids))
	}

	// A link the running window cannot dial is reported by the launch.
	cmd = exec.Command(bin, "--config", cfg, "sip:")
	cmd.Env = xenv
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("a link with no address: exit 0 (%s)", out)
	}
}
