package incall_test

import (
	"image"
	"testing"

	"gioui.org/f32"
	"gioui.org/io/pointer"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/widgets"
)

// videoCall is alice() with video both ways, and its feeds in the phone.
func videoCall(t *testing.T, s *screen, sending bool) (remote, local *video.Feed) {
	t.Helper()
	remote = guitest.PatternFeed(t, 640, 480, 3, now)
	local = guitest.PatternFeed(t, 352, 288, 5, now)
	s.Phone.SetFeeds("a", remote, local)
	c := alice()
	c.Video = &call.Video{Codec: "VP8", Sending: sending, Receiving: true}
	s.Phone.SetCalls(c)
	s.Frame()
	return remote, local
}

func TestVideoControlsSendRequests(t *testing.T) {
	s := newScreen(t, alice())
	s.Phone.VideoDevs = []video.DeviceInfo{
		{ID: "/dev/video0", Name: "Integrated Camera", Kind: video.KindCamera},
		{ID: "screen:0", Name: "Screen 1", Kind: video.KindScreen},
		{ID: "window:0x2a", Name: "Editor", Kind: video.KindWindow},
		{ID: "test", Name: "Test pattern", Kind: video.KindTest},
	}
	s.Click("Turn video on: send your camera")
	s.Want("SetVideo a true true ")
	// The fake phone took it; the far end's pictures come in.
	s.Phone.SetFeeds("a", guitest.PatternFeed(t, 640, 480, 1, now), guitest.PatternFeed(t, 320, 240, 1, now))
	s.Frame()
	s.Must("Video from Alice Martin")
	s.Must("Your camera; drag it to move it")

	s.Click("Turn your camera off; keep watching")
	s.Want("SetVideo a true false ")
	if _, ok := s.Find("Your camera; drag it to move it"); ok {
		t.Error("the preview shows while the camera is off")
	}
	s.Click("Turn your camera on")
	s.Want("SetVideo a true true ")

	s.Click("Share your screen or a window")
	s.Want("VideoDevices")
	s.Frame()
	if _, ok := s.Find("Share the window Integrated Camera"); ok {
		t.Error("a camera is offered to share")
	}
	s.Must("Share the window Editor")
	s.Click("Share the screen Screen 1")
	s.Want("SetVideo a true true screen:0")
	s.Must("Your shared screen; drag it to move it")
	s.Click("Stop sharing; send your camera again")
	s.Want("SetVideo a true true ")

	s.Click("Turn the video off")
	s.Want("SetVideo a false false ")
	s.Must("Turn video on: send your camera")
	if len(s.Errs) > 0 {
		t.Errorf("errors %q", s.Errs)
	}
}

func TestVideoOfferedMidCallIsTaken(t *testing.T) {
	c := alice()
	c.Video = &call.Video{Offered: true}
	s := newScreen(t, c)
	if d, ok := s.FindPart("Turn your camera"); ok && !d.Disabled {
		t.Error("the camera switch works before the video is taken")
	}
	s.Click("Take the video Alice Martin offers: send your camera")
	s.Want("SetVideo a true true ")
}

func TestVideoMoreShowsTheControlsAndBack(t *testing.T) {
	s := newScreen(t, alice())
	videoCall(t, s, true)
	s.Click("Show all the call's controls")
	s.Must("Put the call on hold")
	if _, ok := s.Find("Video from Alice Martin"); ok {
		t.Error("the video still shows over the controls")
	}
	s.Click("Back to the video")
	s.Must("Video from Alice Martin")
	s.Want()
}

func TestVideoPreviewDragsAndStaysInside(t *testing.T) {
	s := newScreen(t, alice())
	videoCall(t, s, true)
	area := s.Must("Video from Alice Martin").Bounds
	pre := s.Must("Your camera; drag it to move it").Bounds
	if !pre.In(area) || pre.Max.X < area.Max.X-40 || pre.Min.Y > area.Min.Y+40 {
		t.Fatalf("preview %v not in the top right corner of %v", pre, area)
	}
	drag := func(by f32.Point) image.Rectangle {
		b := s.Must("Your camera; drag it to move it").Bounds
		from := f32.Pt(float32(b.Min.X+b.Max.X)/2, float32(b.Min.Y+b.Max.Y)/2)
		s.Router.Queue(
			pointer.Event{Kind: pointer.Press, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: from},
			pointer.Event{Kind: pointer.Move, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: from.Add(by.Mul(0.5))},
			pointer.Event{Kind: pointer.Move, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: from.Add(by)},
			pointer.Event{Kind: pointer.Release, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: from.Add(by)},
		)
		s.Frame()
		s.Frame()
		return s.Must("Your camera; drag it to move it").Bounds
	}
	// Far beyond the bottom left corner: it stops inside the area.
	got := drag(f32.Pt(-2000, 3000))
	if !got.In(area) || got.Min.X > area.Min.X+20 || got.Max.Y < area.Max.Y-20 {
		t.Fatalf("dragged to the bottom left: preview %v, area %v", got, area)
	}
	if got.Size() != pre.Size() {
		t.Errorf("dragging resized the preview: %v, was %v", got.Size(), pre.Size())
	}
	// A small move moves it by as much.
	before := got
	got = drag(f32.Pt(30, -50))
	if d := got.Min.Sub(before.Min); abs(d.X-30) > 1 || abs(d.Y+50) > 1 {
		t.Errorf("moved by %v, want (30,-50)", d)
	}
	// The place belongs to the window: the next call's preview is there.
	s.Phone.SetFeeds("b", guitest.PatternFeed(t, 640, 480, 1, now), guitest.PatternFeed(t, 352, 288, 1, now))
	b := alice()
	b.ID, b.Video = "b", &call.Video{Sending: true, Receiving: true}
	s.Phone.SetCalls(b)
	s.Frame()
	s.Frame()
	if next := s.Must("Your camera; drag it to move it").Bounds; next != got {
		t.Errorf("next call's preview at %v, want %v", next, got)
	}
	s.Want()
}

func abs(v int) int { return max(v, -v) }

// TestVideoConvertsEachNewPictureOnce: frames drawn without a new
// picture reuse the last conversion; a new picture redraws the window
// and is converted once; off screen, the feeds no longer redraw it.
func TestVideoConvertsEachNewPictureOnce(t *testing.T) {
	s := newScreen(t, alice())
	conversions := 0
	s.page.Convert = func(dst *image.RGBA, src *image.YCbCr) {
		conversions++
		widgets.ScaleI420(dst, src)
	}
	invalidations := 0
	s.Env.Invalidate = func() { invalidations++ }
	remote, _ := videoCall(t, s, false) // no preview: one view converts
	if conversions != 1 {
		t.Fatalf("%d conversions for the first picture, want 1", conversions)
	}
	for range 5 {
		s.Frame()
	}
	if conversions != 1 {
		t.Fatalf("%d conversions after redrawing the same picture, want 1", conversions)
	}
	guitest.PutPattern(t, remote, 640, 480, 4, now)
	if invalidations != 1 {
		t.Fatalf("a new picture asked for %d frames, want 1", invalidations)
	}
	s.Frame()
	s.Frame()
	if conversions != 2 {
		t.Fatalf("%d conversions after a new picture, want 2", conversions)
	}
	s.page.Offscreen()
	guitest.PutPattern(t, remote, 640, 480, 5, now)
	if invalidations != 1 {
		t.Errorf("a picture of a call not shown asked for a frame")
	}
	s.Frame() // shown again: it watches the feed again
	guitest.PutPattern(t, remote, 640, 480, 6, now)
	if invalidations != 2 {
		t.Errorf("%d frames asked for after the page came back, want 2", invalidations)
	}
}

func TestVideoFullScreen(t *testing.T) {
	s := newScreen(t, alice())
	var modes []bool
	s.Env.Fullscreen = func(on bool) { modes = append(modes, on) }
	videoCall(t, s, true)
	s.Click("Show the video full screen")
	if !s.page.FullVideo() || len(modes) != 1 || !modes[0] {
		t.Fatalf("full screen %v, window asked %v", s.page.FullVideo(), modes)
	}
	s.Must("Video from Alice Martin")
	s.Must("Your camera; drag it to move it")
	if _, ok := s.Find("Show all the call's controls"); ok {
		t.Error("full screen still shows the whole control bar")
	}
	s.Click("Turn your camera off; keep watching")
	s.Want("SetVideo a true false ")
	s.Click("Leave full screen")
	if s.page.FullVideo() || len(modes) != 2 || modes[1] {
		t.Fatalf("after leaving: full screen %v, window asked %v", s.page.FullVideo(), modes)
	}
	// Esc leaves full screen before anything else.
	s.Click("Show the video full screen")
	if !s.page.Escape() || s.page.FullVideo() {
		t.Error("Esc did not leave full screen")
	}
	if s.page.Escape() {
		t.Error("a second Esc had something to close")
	}
	s.Frame()
	// The video ending ends full screen.
	s.Click("Show the video full screen")
	s.Phone.SetCalls(alice())
	s.Frame()
	if s.page.FullVideo() || modes[len(modes)-1] {
		t.Errorf("video gone, still full screen (window asked %v)", modes)
	}
	s.Want()
}
