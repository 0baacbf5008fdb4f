package gui

import (
	"image"
	"slices"
	"testing"

	"gioui.org/io/key"

	"github.com/softphone/softphone/gui/internal/guitest"
)

// descriptions are the semantic descriptions of the last frame.
func (h *harness) descriptions() []string {
	var out []string
	for _, n := range h.router.AppendSemantics(nil) {
		if n.Desc.Description != "" {
			out = append(out, n.Desc.Description)
		}
	}
	return out
}

// TestVideoFullScreenHidesTheWindow: full-screen video takes the whole
// window (no navigation), asks the window to fill the screen, and Esc
// leaves it rather than hanging up; F11 goes back.
func TestVideoFullScreenHidesTheWindow(t *testing.T) {
	h := newHarness(t, desktopSize)
	var modes []bool
	h.root.Fullscreen = func(on bool) { modes = append(modes, on) }
	videoCall(h)
	h.frames(2)
	if !slices.Contains(h.descriptions(), "Show Dialpad") {
		t.Fatalf("no navigation beside the video call: %q", h.descriptions())
	}
	h.click(h.find("Show the video full screen"))
	if !h.root.InCall.FullVideo() || !slices.Equal(modes, []bool{true}) {
		t.Fatalf("full screen %v, window asked %v", h.root.InCall.FullVideo(), modes)
	}
	if d := h.descriptions(); slices.Contains(d, "Show Dialpad") || !slices.Contains(d, "Video from Carol Smith") {
		t.Errorf("full screen shows %q", d)
	}
	h.commands()
	h.press(key.NameEscape)
	h.frame()
	h.want() // no hang-up
	if h.root.InCall.FullVideo() || !slices.Equal(modes, []bool{true, false}) {
		t.Fatalf("after Esc: full screen %v, window asked %v", h.root.InCall.FullVideo(), modes)
	}
	h.press(key.NameF11)
	h.frame()
	if !h.root.InCall.FullVideo() {
		t.Error("F11 did not go full screen")
	}
	// The window left full screen on its own (the desktop's key).
	h.root.InCall.LeftFullscreen()
	h.frame()
	if h.root.InCall.FullVideo() || !slices.Contains(h.descriptions(), "Show Dialpad") {
		t.Error("the page stayed full screen after the window left it")
	}
}

// TestVideoStopsRedrawingOffscreen: new pictures redraw the window while
// the call shows, and no longer once another page took the window.
func TestVideoStopsRedrawingOffscreen(t *testing.T) {
	h := newHarness(t, desktopSize)
	videoCall(h)
	h.settle()
	remote := h.phone.RemoteFeeds["out-1"]
	drain := func() bool {
		select {
		case <-h.inval:
			return true
		default:
			return false
		}
	}
	flush(h.root)
	drain()
	guitest.PutPattern(t, remote, 640, 480, 13, fixedNow)
	if !drain() {
		t.Fatal("a new picture did not ask for a frame")
	}
	// A second call rings: the incoming page takes the window.
	h.phone.SetCalls(append(h.phone.State().Calls, incomingCall())...)
	h.frames(2)
	if slices.Contains(h.descriptions(), "Video from Carol Smith") {
		t.Fatal("the video call still shows while a call rings")
	}
	flush(h.root)
	drain()
	guitest.PutPattern(t, remote, 640, 480, 14, fixedNow)
	if drain() {
		t.Error("a picture of a call not on screen asked for a frame")
	}
}

var desktopSize = image.Pt(1024, 700)
