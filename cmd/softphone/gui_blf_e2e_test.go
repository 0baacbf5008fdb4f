//go:build !nogui

package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// Where the contacts screen has what this test uses (see atMessagesTab).
var (
	atContactsTab = [2]int{70, 103}
	atPickup      = [2]int{932, 117} // on the first contact's row, while it rings
)

// TestGUIBusyLampEndToEnd runs the window as alice with a contact marked
// BLF (bob), with Kamailio's presence server: the window has the phone
// watch bob at start, shows his line ringing when carol calls him, and
// Pick up on the contact calls carol (the INVITE with Replaces; baresip
// 1.0 ignores Replaces and answers it as a new call, which is enough to
// see the window's part: core's own test checks the replacing).
func TestGUIBusyLampEndToEnd(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	testlab.RequirePresenceModules(t)
	_, xenv := windowDisplay(t, "starts Xvfb, Kamailio, two baresips and the window")

	k := testlab.StartPresenceKamailio(t, testlab.KamailioOptions{})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, AnswerMode: "manual", Codecs: []string{"pcmu"}})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	cfg := consoleConfig(t, k, "")
	data := t.TempDir()
	if code, out, errOut := runCLI(t, "contacts", "add", "--data", data, "--blf", "Bob", "ext=bob"); code != exitOK {
		t.Fatalf("contacts add: exit %d\n%s\n%s", code, out, errOut)
	}

	w := openAliceWindow(t, xenv, "--config", cfg, "--data", data)
	time.Sleep(time.Second) // the subscription to bob's dialogs is made meanwhile

	if err := carol.Dial("sip:bob@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	// The window had the phone watch the BLF contact, with no user action.
	w.waitEvent("bob's line ringing", 10*time.Second, "blf", map[string]string{"uri": "bob", "state": "ringing"})
	w.click(atContactsTab)
	w.screenshot("gui-blf-ringing.png")
	w.click(atPickup)
	c := w.waitEvent("the pickup call", 10*time.Second, "call", nil)
	if !strings.Contains(fmt.Sprint(c["remote"]), "carol@") {
		t.Fatalf("pickup call %v, want a call to carol (the caller)", c)
	}
	w.waitEvent("the pickup call connected", 15*time.Second, "call", map[string]string{"id": fmt.Sprint(c["id"]), "state": "connected"})
	w.screenshot("gui-blf-picked-up.png")
	w.xdotool("key", "Escape")
	w.waitEvent("the pickup call ended", 15*time.Second, "call", map[string]string{"id": fmt.Sprint(c["id"]), "state": "ended"})
}
