//go:build !nogui

package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// Where the dialpad has its do-not-disturb switch: the first pill of the
// bar over the dialpad, whose column (420 dp, centred right of the 140 dp
// rail, inset 16) starts at x 372 and y 16; the pill is about 136×32.
var atDND = [2]int{430, 33}

// TestGUIConferenceAndRecording: from the window, alice calls bob, adds a
// call to carol (bob goes on hold), merges them, records the conference
// for 3 s and hangs up with Esc. The recording holds both parties' tones,
// and carol heard bob through the conference.
func TestGUIConferenceAndRecording(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, two baresips and the window")
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 440, Record: true})
	recDir := t.TempDir()
	w, _ := openCallsWindow(t, xenv, k, fmt.Sprintf("[audio]\nrecord_dir = %q\n", recDir))

	b := w.dial("bob")
	w.clickControl("Add call")
	c := w.dial("carol") // the dialpad has the keyboard
	w.wait("bob held for the call to carol", 5*time.Second, func(e map[string]any) bool {
		return callIs(b, "held", "")(e) && e["local_hold"] == true
	})
	w.screenshot("gui-two-calls.png")

	w.clickControl("Merge")
	inConf := w.wait("bob in a conference", 5*time.Second, func(e map[string]any) bool {
		return callIs(b, "connected", "")(e) && e["conference"] != nil
	})
	conf := fmt.Sprint(inConf["conference"])
	w.wait("carol in bob's conference", 5*time.Second, func(e map[string]any) bool {
		return callIs(c, "", "")(e) && fmt.Sprint(e["conference"]) == conf
	})

	w.clickControl("Record")
	rec := w.wait("the conference recording", 5*time.Second, func(e map[string]any) bool {
		return (callIs(b, "", "")(e) || callIs(c, "", "")(e)) && e["recording"] != nil
	})
	path, recID := fmt.Sprint(rec["recording"]), fmt.Sprint(rec["id"])
	if filepath.Dir(path) != recDir {
		t.Fatalf("recording to %s, want a file in the configured %s", path, recDir)
	}
	w.screenshot("gui-conference-recording.png")
	time.Sleep(3 * time.Second)
	w.clickControl("Record") // now "Stop rec."
	w.wait("the recording stopped", 5*time.Second, func(e map[string]any) bool {
		return callIs(recID, "", "")(e) && e["recording"] == nil
	})

	// Esc ends the conference: every leg.
	w.xdotool("key", "Escape")
	for _, id := range []string{b, c} {
		w.wait("call "+id+" ended", 10*time.Second, callIs(id, "ended", ""))
	}
	bareWait(t, bob, "CALL_CLOSED", 5*time.Second)
	bareWait(t, carol, "CALL_CLOSED", 5*time.Second)

	checkTones(t, path, 1000, 440)
	// Carol heard bob through the conference. Bob's own ear is not
	// checked: the call to carol held him, and baresip 1.0 stops recording
	// what it receives after a hold re-INVITE (see the shared notes).
	recs, err := carol.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("carol's recordings: %v %v", recs, err)
	}
	checkTones(t, recs[len(recs)-1], 1000)
}

// TestGUIBlindTransfer: alice calls bob, opens Transfer, types carol and
// Enter: bob's phone calls carol and alice's call ends as transferred.
func TestGUIBlindTransfer(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, two baresips and the window")
	bob := pcmuPeer(t, k, "bob")
	carol := pcmuPeer(t, k, "carol")
	w, _ := openCallsWindow(t, xenv, k, "")

	b := w.callPeer(bob)
	w.clickControl("Transfer")
	w.xdotool("type", "--delay", "40", "carol") // the panel's field has the keyboard
	w.screenshot("gui-transfer-panel.png")
	w.xdotool("key", "Return")

	w.wait("bob's transfer done", 10*time.Second, func(e map[string]any) bool {
		return callIs(b, "", "")(e) && e["transfer"] == "done"
	})
	if e := w.wait("bob's call ended", 10*time.Second, callIs(b, "ended", "")); e["reason"] != "transferred" {
		t.Fatalf("bob's call ended %v, want reason \"transferred\"", e)
	}
	if e := bareWait(t, carol, "CALL_ESTABLISHED", 10*time.Second); !strings.Contains(e.PeerURI, "bob") {
		t.Fatalf("carol's call is from %q, want bob", e.PeerURI)
	}
	_ = carol.Hangup()
	bareWait(t, bob, "CALL_CLOSED", 5*time.Second) // bob's call to carol
}

// TestGUIDoNotDisturb: the switch over the dialpad turns do not disturb
// on (saved in the config; bob's call gets 486) and off again (the next
// call rings; Esc declines it).
func TestGUIDoNotDisturb(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, baresip and the window")
	bob := pcmuPeer(t, k, "bob")
	w, cfg := openCallsWindow(t, xenv, k, "")
	alice := "sip:alice@" + k.Domain

	w.click(atDND)
	waitFor(t, "dnd = true in the config file", 5*time.Second, func() bool { return strings.Contains(readFile(t, cfg), "dnd = true") })
	w.screenshot("gui-dnd-on.png")
	if err := bob.Dial(alice); err != nil {
		t.Fatal(err)
	}
	if e := bareWait(t, bob, "CALL_CLOSED", 10*time.Second); e.SIPCode() != 486 {
		t.Fatalf("with do not disturb on, bob's call closed with %q, want 486", e.Param)
	}
	w.wait("the refused call", 5*time.Second, func(e map[string]any) bool {
		return callIs("", "ended", "bob")(e) && e["reason"] == "do not disturb"
	})

	w.click(atDND)
	waitFor(t, "do not disturb off in the config file", 5*time.Second, func() bool { return !strings.Contains(readFile(t, cfg), "dnd = true") })
	if err := bob.Dial(alice); err != nil {
		t.Fatal(err)
	}
	in := w.wait("bob's call ringing", 10*time.Second, callIs("", "incoming", "bob"))
	w.screenshot("gui-dnd-off-ringing.png")
	w.xdotool("key", "Escape")
	if e := bareWait(t, bob, "CALL_CLOSED", 10*time.Second); e.SIPCode() != 603 {
		t.Fatalf("bob's call declined with %q, want 603", e.Param)
	}
	w.wait("the declined call ended", 5*time.Second, callIs(fmt.Sprint(in["id"]), "ended", ""))
}

// TestGUICallWaiting: in a call with bob, carol calls: the window shows
// the waiting call over the current one, and Enter answers carol and
// holds bob.
func TestGUICallWaiting(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, two baresips and the window")
	bob := pcmuPeer(t, k, "bob")
	carol := pcmuPeer(t, k, "carol")
	w, _ := openCallsWindow(t, xenv, k, "")

	b := w.callPeer(bob)
	if err := carol.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := fmt.Sprint(w.wait("carol's call waiting", 10*time.Second, callIs("", "incoming", "carol"))["id"])
	w.screenshot("gui-call-waiting.png")
	w.xdotool("key", "Return")
	w.wait("bob held", 5*time.Second, func(e map[string]any) bool {
		return callIs(b, "held", "")(e) && e["local_hold"] == true
	})
	w.wait("carol's call answered", 5*time.Second, callIs(in, "connected", ""))
	bareWait(t, carol, "CALL_ESTABLISHED", 5*time.Second)
	if !strings.Contains(bob.Log(), "a=sendonly") { // its SIP trace: the hold reached it
		t.Fatal("bob got no re-INVITE with a=sendonly")
	}
	w.screenshot("gui-call-waiting-answered.png")
	w.xdotool("key", "Escape") // ends the call shown: carol's
	w.wait("carol's call ended", 5*time.Second, callIs(in, "ended", ""))
	bareWait(t, carol, "CALL_CLOSED", 5*time.Second)
}
