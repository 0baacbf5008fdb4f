//go:build !nogui && linux

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// The icon's disc colours (platform/tray): registered and ringing.
var (
	trayGreen  = [3]byte{0x2e, 0x7d, 0x32}
	trayOrange = [3]byte{0xe6, 0x51, 0x00}
)

// TestTrayEndToEnd runs the real program under Xvfb with a private
// session bus and a real tray host (gtk-sni-tray-standalone and its
// StatusNotifierWatcher): the item registers, its icon and tooltip say
// registered, then ringing when bob calls; the host's menu declines the
// call, turns do not disturb on, and quits the program. The login entry
// the configuration asks for is written at start.
func TestTrayEndToEnd(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, a session bus, a tray host, Kamailio, baresip and the window")
	addr := startSessionBus(t)
	confHome := t.TempDir()
	env := append(xenv, "DBUS_SESSION_BUS_ADDRESS="+addr, "XDG_CONFIG_HOME="+confHome)
	bus, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()
	startTrayHost(t, env, bus)
	bob := pcmuPeer(t, k, "bob")

	w, cfg := openCallsWindow(t, env, k, "[ui]\nstart_at_login = true\n")
	entry, err := os.ReadFile(filepath.Join(confHome, "autostart", "softphone.desktop"))
	if err != nil || !strings.Contains(string(entry), " --config "+cfg+" ") || !strings.Contains(string(entry), "\nExec=/") {
		t.Errorf("login entry (err %v):\n%s", err, entry)
	}

	it := registeredItem(t, bus)
	waitFor(t, "the tooltip says registered", 10*time.Second, func() bool { return it.tooltip() == "Softphone — alice: registered" })
	if c := it.iconAt(4, 16); c != trayGreen {
		t.Errorf("registered icon's disc %x, want %x", c, trayGreen)
	}
	var n []int
	waitFor(t, "the host's bar draws the green icon", 10*time.Second, func() bool {
		n = trayPixels(t, env, "tray-registered.png", trayGreen, trayOrange)
		return n[0] > 50 && n[1] == 0
	})
	t.Logf("registered: %d green pixels, %d orange in the host's bar", n[0], n[1])

	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := w.wait("bob's call ringing", 10*time.Second, callIs("", "incoming", "bob"))
	waitFor(t, "the tooltip says ringing", 10*time.Second, func() bool { return strings.HasPrefix(it.tooltip(), "Incoming call from ") })
	if tip := it.tooltip(); !strings.Contains(tip, "bob") {
		t.Errorf("tooltip %q does not name bob", tip)
	}
	if c := it.iconAt(4, 16); c != trayOrange {
		t.Errorf("ringing icon's disc %x, want %x", c, trayOrange)
	}
	waitFor(t, "the host's bar draws the ringing icon", 10*time.Second, func() bool {
		n = trayPixels(t, env, "tray-ringing.png", trayGreen, trayOrange)
		return n[1] > 50 && n[0] == 0
	})
	t.Logf("ringing: %d green pixels, %d orange in the host's bar", n[0], n[1])

	it.click("Decline")
	if e := bareWait(t, bob, "CALL_CLOSED", 10*time.Second); e.SIPCode() != 603 {
		t.Fatalf("bob's call closed with %q, want 603 (declined)", e.Param)
	}
	w.wait("the declined call ended", 5*time.Second, callIs(fmt.Sprint(in["id"]), "ended", ""))
	waitFor(t, "Answer and Decline hidden again", 5*time.Second, func() bool { _, ok := it.menuItem("Decline"); return !ok })

	it.click("Do not disturb")
	waitFor(t, "dnd = true in the config file", 5*time.Second, func() bool { return strings.Contains(readFile(t, cfg), "dnd = true") })
	waitFor(t, "the tooltip says do not disturb", 5*time.Second, func() bool { return strings.HasSuffix(it.tooltip(), "(do not disturb)") })

	it.click("Quit")
	start := time.Now()
	select {
	case err := <-w.exited:
		w.exited <- err // for the window's cleanup
		if err != nil {
			t.Fatalf("the program ended with %v after Quit", err)
		}
		t.Logf("Quit: the program ended in %v", time.Since(start).Round(time.Millisecond))
	case <-time.After(2 * time.Second):
		t.Fatalf("the program still runs 2 s after Quit; menu %s", it.menuLabels())
	}
}

// TestTrayHostLater starts the window on a session bus with no tray host:
// it says so once, at info, and carries on; when a host starts, the item
// registers with it.
func TestTrayHostLater(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, a session bus, Kamailio and the window, then a tray host")
	addr := startSessionBus(t)
	env := append(xenv, "DBUS_SESSION_BUS_ADDRESS="+addr, "XDG_CONFIG_HOME="+t.TempDir())
	bus, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()

	// -v: the program's info lines are on stderr.
	w := startWindow(t, env, "--config", consoleConfig(t, k, ""), "--data", t.TempDir(), "--json", "-v")
	w.waitEvent("registration of alice", 20*time.Second, "registration", map[string]string{"account": "alice", "state": "registered"})
	const said = "no tray host (StatusNotifierWatcher) on the session bus"
	waitFor(t, "the program says there is no tray host", 10*time.Second, func() bool { return strings.Contains(w.stderr.String(), said) })

	startTrayHost(t, env, bus)
	it := registeredItem(t, bus)
	waitFor(t, "the tooltip says registered", 10*time.Second, func() bool { return it.tooltip() == "Softphone — alice: registered" })
	if n := strings.Count(w.stderr.String(), said); n != 1 {
		t.Errorf("said %d times that there is no tray host, want once:\n%s", n, w.stderr.String())
	}
	if s := w.stderr.String(); strings.Contains(s, "systray error") {
		t.Errorf("the tray library logged an error:\n%s", s)
	}
}
