//go:build !nogui

package main

import (
	"fmt"
	"image"
	"math"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestGUIVideoCall: from the window, alice calls bob (baresip with its
// fakevideo camera) and turns video on with the in-call Video button: the
// call carries video both ways and the window draws bob's picture; the
// camera goes off and on; the Video button again drops the video and the
// call goes on.
func TestGUIVideoCall(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, baresip with video and the window")
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, Video: true})
	w, _ := openCallsWindow(t, xenv, k, "[video]\ncamera = \"test\"\nsize = \"352x288\"\nfps = 15\n")

	id := w.callPeer(bob)
	before := videoSpread(w.grab())
	w.clickControl("Video")
	w.wait("video both ways", 10*time.Second, func(e map[string]any) bool {
		v, ok := e["video"].(map[string]any)
		return callIs(id, "connected", "")(e) && ok && v["sending"] == true && v["receiving"] == true
	})
	// The picture takes the middle of the in-call screen.
	deadline := time.Now().Add(10 * time.Second)
	var spread float64
	for {
		if spread = videoSpread(w.grab()); spread > before+10 {
			break
		}
		if time.Now().After(deadline) {
			w.screenshot("gui-video-missing.png")
			t.Fatalf("no picture drawn: luma spread %.1f in the middle (%.1f before the video)", spread, before)
		}
	}
	w.screenshot("gui-video-call.png")
	theirs, err := bob.VideoStats()
	if err != nil {
		t.Fatal(err)
	}
	if theirs.DisplayFrames == 0 {
		t.Fatalf("baresip got no picture from the window's call:\n%s", theirs.Text)
	}

	// Camera off: we only watch; on again.
	w.click(atVideoBar["Camera"])
	w.wait("camera off", 10*time.Second, func(e map[string]any) bool {
		v, ok := e["video"].(map[string]any)
		return callIs(id, "connected", "")(e) && ok && v["sending"] == false && v["receiving"] == true
	})
	w.click(atVideoBar["Camera"])
	w.wait("camera on again", 10*time.Second, func(e map[string]any) bool {
		v, ok := e["video"].(map[string]any)
		return callIs(id, "connected", "")(e) && ok && v["sending"] == true
	})

	w.click(atVideoBar["Video"])
	w.wait("video dropped", 10*time.Second, func(e map[string]any) bool {
		return callIs(id, "connected", "")(e) && e["video"] == nil
	})
	w.xdotool("key", "Escape")
	w.wait("call ended", 10*time.Second, callIs(id, "ended", ""))
}

// The video call's buttons (gui/pages/incall/video.go) sit in one row
// under the picture, 110 px apart, centred on the screen right of the
// 140 dp rail (1 px per dp under Xvfb): Mute, Camera, Share, Video, Full
// screen, More; End call below them.
var atVideoBar = map[string][2]int{
	"Mute": {306, 546}, "Camera": {416, 546}, "Share": {526, 546}, "Video": {636, 546}, "Full screen": {746, 546},
}

// videoSpread is the standard deviation of the luma in the middle of a
// picture of the window, where the far end's video goes.
func videoSpread(img image.Image) float64 {
	b := img.Bounds()
	cx, cy := (b.Min.X+b.Max.X)/2+70, (b.Min.Y+b.Max.Y)/2 // right of the 140 dp rail
	var sum, sq float64
	n := 0
	for y := cy - 100; y < cy+100; y += 2 {
		for x := cx - 150; x < cx+150; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			l := 0.299*float64(r>>8) + 0.587*float64(g>>8) + 0.114*float64(bl>>8)
			sum += l
			sq += l * l
			n++
		}
	}
	m := sum / float64(n)
	return math.Sqrt(max(sq/float64(n)-m*m, 0))
}

// Where the incoming screen's "Answer with video" button is on the
// desktop layout: under Decline and Answer, centred right of the rail.
var atAnswerWithVideo = [2]int{582, 640}

// TestGUIAnswerWithVideo: bob calls alice with video; the window rings as
// a video call and "Answer with video" takes it with video both ways.
func TestGUIAnswerWithVideo(t *testing.T) {
	xenv, k := callsLab(t, "starts Xvfb, Kamailio, baresip with video and the window")
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, Video: true})
	w, _ := openCallsWindow(t, xenv, k, "[video]\ncamera = \"test\"\nsize = \"352x288\"\nfps = 15\n")
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := w.wait("a video call ringing", 10*time.Second, func(e map[string]any) bool {
		v, ok := e["video"].(map[string]any)
		return callIs("", "incoming", "bob")(e) && ok && v["offered"] == true
	})
	id := fmt.Sprint(in["id"])
	w.screenshot("gui-incoming-video.png")
	w.click(atAnswerWithVideo)
	w.wait("answered with video both ways", 10*time.Second, func(e map[string]any) bool {
		v, ok := e["video"].(map[string]any)
		return callIs(id, "connected", "")(e) && ok && v["sending"] == true && v["receiving"] == true
	})
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	w.xdotool("key", "Escape")
	w.wait("call ended", 10*time.Second, callIs(id, "ended", ""))
}
