//go:build !nogui

package main

import (
	"fmt"
	"image"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/internal/testlab"
)

// autoAnswerConsole runs a copy of the program's console as user at k,
// answering calls by itself (auto_answer), and waits for its
// registration. The attended transfer needs such peers: baresip 1.0
// honours no Replaces.
func autoAnswerConsole(t *testing.T, k *testlab.Kamailio, user, password string) *consoleProc {
	t.Helper()
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, user, user, password, "udp", k.UDPAddr, "")+"auto_answer = true\n")
	c := startConsole(t, "--config", cfg, "--data", t.TempDir())
	c.registered(user)
	return c
}

// TestGUIAttendedTransfer: from the window alice calls bob, adds a call
// to carol (bob goes on hold), opens Transfer on carol's call and clicks
// "Transfer to bob": carol is asked (REFER with Replaces) to call bob in
// place of alice's call with him. Both of alice's calls end
// "transferred"; bob's call with alice ends "replaced" and bob and carol
// are connected, carol's new call referred by alice.
func TestGUIAttendedTransfer(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	_, xenv := windowDisplay(t, "starts Xvfb, Kamailio, two consoles and the window")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := autoAnswerConsole(t, k, "bob", "bob-secret")
	carol := autoAnswerConsole(t, k, "carol", "carol-secret")
	w, _ := openCallsWindow(t, xenv, k, "")

	b := w.dial("bob")
	w.clickControl("Add call")
	c := w.dial("carol")
	w.wait("bob held for the call to carol", 5*time.Second, func(e map[string]any) bool {
		return callIs(b, "held", "")(e) && e["local_hold"] == true
	})
	bobOld := bob.callState(5*time.Second, "", "connected")["id"]

	w.clickControl("Transfer") // on the call shown: carol's
	w.clickTransferTo()

	for _, id := range []string{b, c} {
		if e := w.wait("call "+id+" ended", 10*time.Second, callIs(id, "ended", "")); e["reason"] != "transferred" {
			t.Fatalf("alice's call %s ended %v, want reason \"transferred\"", id, e)
		}
	}
	if e := bob.callState(10*time.Second, fmt.Sprint(bobOld), "ended"); e["reason"] != "replaced" {
		t.Fatalf("bob's call with alice ended %v, want reason \"replaced\"", e)
	}
	nb := bob.wait(10*time.Second, "bob's call with carol", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "connected" && m["id"] != bobOld && strings.Contains(fmt.Sprint(m["remote"]), "carol@")
	})
	nc := carol.wait(10*time.Second, "carol's new call to bob", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "connected" && strings.Contains(fmt.Sprint(m["remote"]), "bob@")
	})
	if !strings.Contains(fmt.Sprint(nc["referred_by"]), "alice@") {
		t.Fatalf("carol's call to bob %v, want referred_by alice", nc)
	}
	for who, p := range map[string]*consoleProc{"bob": bob, "carol": carol} {
		if calls := p.do("calls", true)["calls"].([]any); len(calls) != 1 {
			t.Fatalf("%s has %d calls after the transfer, want 1: %v", who, len(calls), calls)
		}
	}
	bob.do("hangup "+fmt.Sprint(nb["id"]), true)
	carol.callState(5*time.Second, fmt.Sprint(nc["id"]), "ended")
	bob.quit()
	carol.quit()
}

// clickTransferTo clicks the transfer panel's "Transfer to …" button
// (gui/pages/incall/transfer.go): the last of the panel, full width (at
// most 420 dp, centred right of the rail: x 372 to 792), white inside a
// thin border. It is found in a picture of the window by its top and
// bottom borders: the last two thin lines down x = 380, which the End call
// disc and the Cancel pill under the panel do not reach.
func (w *callsWindow) clickTransferTo() {
	w.t.Helper()
	w.screenshot("gui-transfer-to.png")
	lines := columnRuns(w.grab(), 380, 1, 3)
	n := len(lines)
	if n < 2 || lines[n-1]-lines[n-2] < 30 || lines[n-1]-lines[n-2] > 60 {
		w.t.Fatalf("no \"Transfer to\" button in the transfer panel (thin lines down x 380 at y %v)", lines)
	}
	w.click([2]int{582, (lines[n-2] + lines[n-1]) / 2})
}

// The dialpad's bar (gui/pages/dialpad/bar.go) has the voicemail pill at
// the right end of the dialpad's column (420 dp centred right of the
// 140 dp rail: x 372 to 792), on the row of the DND switch (y 16 to
// about 50).
var vmBar = image.Rect(560, 12, 780, 54)

// TestGUIVoicemail: alice's account has voicemail = "vm", a console that
// answers by itself. The voicemail server PUBLISHes 3 new messages: the
// window's phone reports them (--json) and the bar's voicemail pill
// changes (its count badge); clicking the pill calls vm.
func TestGUIVoicemail(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	_, xenv := windowDisplay(t, "starts Xvfb, Kamailio with presence, a console and the window")
	k := presenceKamailio(t)
	vm := autoAnswerConsole(t, k, vmUser.Name, vmUser.Password)
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, "")+"voicemail = \"vm\"\n")
	w := &callsWindow{window: startWindow(t, xenv, "--config", cfg, "--data", t.TempDir(), "--json"), taken: map[int]bool{}}
	w.wait("registration of alice", 20*time.Second, func(e map[string]any) bool {
		return e["event"] == "registration" && e["account"] == "alice" && e["state"] == "registered"
	})
	w.find()
	before := w.grab()

	publishVoicemail(t, k, "alice", presence.MessageSummary{Waiting: true, Classes: map[string]presence.Counts{"voice-message": {New: 3}}})
	w.wait("3 new voicemails", 10*time.Second, func(e map[string]any) bool {
		return e["event"] == "voicemail" && e["account"] == "alice" && e["new"] == float64(3) && e["waiting"] == true
	})
	var after image.Image
	waitFor(t, "the voicemail pill showing the count", 5*time.Second, func() bool {
		after = w.grab()
		return changed(before, after, vmBar) > 40
	})
	w.screenshot("gui-voicemail-count.png")

	// Click the pill: its middle on the bar's row, left of the badge.
	pill := pillSpan(after, 33, vmBar)
	if pill[0] < 0 {
		t.Fatalf("no voicemail pill on the bar's row within %v", vmBar)
	}
	w.click([2]int{pill[0] + 30, 33})
	id := fmt.Sprint(w.wait("the call to voicemail", 10*time.Second, callIs("", "connected", vmUser.Name))["id"])
	from := vm.callState(10*time.Second, "", "connected")
	if !strings.Contains(fmt.Sprint(from["remote"]), "alice@") {
		t.Fatalf("voicemail's call %v, want one from alice", from)
	}
	w.xdotool("key", "Escape")
	w.wait("the call to voicemail ended", 10*time.Second, callIs(id, "ended", ""))
	vm.callState(5*time.Second, fmt.Sprint(from["id"]), "ended")
	vm.quit()
}

// changed counts the pixels of r that differ between a and b.
func changed(a, b image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if a.At(x, y) != b.At(x, y) {
				n++
			}
		}
	}
	return n
}

// pillSpan is where, along row y within r, img differs from the
// background: the voicemail pill's left and right ends.
func pillSpan(img image.Image, y int, r image.Rectangle) [2]int {
	br, bgc, bb, _ := img.At(1015, 350).RGBA()
	span := [2]int{-1, -1}
	for x := r.Min.X; x < r.Max.X; x++ {
		cr, cg, cb, _ := img.At(x, y).RGBA()
		d := func(a, b uint32) bool { return max(a, b)-min(a, b) > 6<<8 }
		if d(cr, br) || d(cg, bgc) || d(cb, bb) {
			if span[0] < 0 {
				span[0] = x
			}
			span[1] = x
		}
	}
	return span
}
