package main

import (
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"github.com/softphone/softphone/internal/testlab"
)

// screenPicture is what the shared screen shows: four coloured quadrants
// and a white bar along the bottom, each large enough for its centre to
// survive chroma subsampling and compression.
type screenPicture struct {
	quadrants [4]color.RGBA // top left, top right, bottom left, bottom right
	bar       color.RGBA
}

var knownScreen = screenPicture{
	quadrants: [4]color.RGBA{{200, 40, 40, 255}, {40, 180, 60, 255}, {40, 60, 200, 255}, {220, 200, 40, 255}},
	bar:       color.RGBA{255, 255, 255, 255},
}

// barTop is where the bar starts, as a fraction of the height: below the
// bottom quadrants' centres (3/4).
const barTop = 7.0 / 8

// samples are the points of a w×h picture to compare, with what they
// should show.
func (p screenPicture) samples(w, h int) []struct {
	name string
	at   image.Point
	want color.RGBA
} {
	type sample = struct {
		name string
		at   image.Point
		want color.RGBA
	}
	return []sample{
		{"top left", image.Pt(w/4, h/4), p.quadrants[0]},
		{"top right", image.Pt(3*w/4, h/4), p.quadrants[1]},
		{"bottom left", image.Pt(w/4, 3*h/4), p.quadrants[2]},
		{"bottom right", image.Pt(3*w/4, 3*h/4), p.quadrants[3]},
		{"bar", image.Pt(w/2, int(float64(h)*(1+barTop)/2)), p.bar},
	}
}

// showOnScreen covers display's screen with a window painted with p and
// returns once the server has drawn it; the window stays until the test
// ends. Without a window manager the window sits exactly where asked.
func showOnScreen(t *testing.T, display string, p screenPicture) (w, h int) {
	t.Helper()
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatalf("X display %s: %v", display, err)
	}
	t.Cleanup(conn.Close)
	scr := xproto.Setup(conn).DefaultScreen(conn)
	w, h = int(scr.WidthInPixels), int(scr.HeightInPixels)
	win, err := xproto.NewWindowId(conn)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := xproto.NewGcontextId(conn)
	if err != nil {
		t.Fatal(err)
	}
	check := func(c interface{ Check() error }) {
		t.Helper()
		if err := c.Check(); err != nil {
			t.Fatal(err)
		}
	}
	check(xproto.CreateWindowChecked(conn, scr.RootDepth, win, scr.Root, 0, 0, uint16(w), uint16(h), 0,
		xproto.WindowClassInputOutput, scr.RootVisual, xproto.CwBackPixel|xproto.CwEventMask,
		[]uint32{0, xproto.EventMaskExposure}))
	check(xproto.CreateGCChecked(conn, gc, xproto.Drawable(win), 0, nil))
	check(xproto.MapWindowChecked(conn, win))
	// Paint only once the server shows the window: before, drawing is lost.
	exposed := make(chan error, 1)
	go func() {
		for {
			ev, xerr := conn.WaitForEvent()
			switch e := ev.(type) {
			case nil:
				if xerr == nil {
					exposed <- fmt.Errorf("X connection closed")
					return
				}
			case xproto.ExposeEvent:
				if e.Count == 0 {
					exposed <- nil
					return
				}
			}
		}
	}()
	select {
	case err := <-exposed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the screen window was never exposed")
	}
	fill := func(c color.RGBA, r xproto.Rectangle) {
		pixel := uint32(c.R)<<16 | uint32(c.G)<<8 | uint32(c.B) // TrueColor, 24 bits
		check(xproto.ChangeGCChecked(conn, gc, xproto.GcForeground, []uint32{pixel}))
		check(xproto.PolyFillRectangleChecked(conn, xproto.Drawable(win), gc, []xproto.Rectangle{r}))
	}
	hw, hh := uint16(w/2), uint16(h/2)
	for i, c := range p.quadrants {
		fill(c, xproto.Rectangle{X: int16(i % 2 * w / 2), Y: int16(i / 2 * h / 2), Width: hw, Height: hh})
	}
	top := int(float64(h) * barTop)
	fill(p.bar, xproto.Rectangle{X: 0, Y: int16(top), Width: uint16(w), Height: uint16(h - top)})
	return w, h
}

// testScreenShare: one program shares an Xvfb screen showing a known
// picture, the other (with no display) answers with video and saves what
// it received: the same picture, at the screen's aspect, in codec (both
// programs offer only that one).
func testScreenShare(t *testing.T, bin, codec string) {
	display := testlab.StartXvfb(t, 170)
	only := fmt.Sprintf("[video]\ncodecs = [%q]\n", strings.ToLower(codec))
	sw, sh := showOnScreen(t, display, knownScreen)
	png := filepath.Join(t.TempDir(), "screen.png")
	a := startAnswer(t, bin, append(phoneArgs(t, only), "--count", "1", "--video", "--save-frame", png)...)
	start := time.Now()
	code, stdout, stderr := runBinary(t, bin, []string{"DISPLAY=" + display},
		append([]string{"call", "sip:a@" + a.addr, "--video", "--screen", "--hangup-after", "4s", "--json"}, phoneArgs(t, only)...)...)
	if code != exitOK {
		t.Fatalf("call exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code := a.wait(t, 10*time.Second); code != exitOK {
		t.Fatalf("answer exit %d\nstdout:\n%s\nstderr:\n%s", code, a.stdout.String(), a.stderr.String())
	}
	t.Logf("screen-sharing call: %v", time.Since(start))

	conn := findEvent(jsonEvents(t, stdout), "call", "state", "connected")
	if v, _ := conn["video"].(map[string]any); v == nil || v["source"] != "screen:0" || v["screen"] != true || v["sending"] != true {
		t.Fatalf("the caller's connected event does not show the screen going out: %v", conn)
	}
	sent := videoOf(finalStats(t, jsonEvents(t, stdout)))
	got := videoOf(finalStats(t, jsonEvents(t, a.stdout.String())))
	if sent == nil || got == nil || sent.FramesSent == 0 || got.FramesDecoded == 0 || got.Codec != codec {
		t.Fatalf("video figures: sent %+v, received %+v (want %s)", sent, got, codec)
	}
	t.Logf("receiver's figures: %+v", *got)

	img := readPNG(t, png)
	b := img.Bounds()
	// Sizes are even and may be cropped by one pixel: the aspect within 1 %.
	if ratio, want := float64(b.Dx())/float64(b.Dy()), float64(sw)/float64(sh); ratio < want*0.99 || ratio > want*1.01 {
		t.Fatalf("received %dx%d, the screen is %dx%d: aspect %.3f, want %.3f", b.Dx(), b.Dy(), sw, sh, ratio, want)
	}
	checkPicture(t, img, knownScreen, screenTolerance)
}

// screenTolerance is how far, per channel, a received colour may be from
// the painted one: compression moves flat areas by a few units, while a
// picture converted with the wrong YUV range is off by up to 20 (white
// shown as 235).
const screenTolerance = 14

// checkPicture compares img's sample points with p, within tol per
// channel (compression and the YUV round trip shift colours a little).
func checkPicture(t *testing.T, img image.Image, p screenPicture, tol int) {
	t.Helper()
	b := img.Bounds()
	for _, s := range p.samples(b.Dx(), b.Dy()) {
		r, g, bl, _ := img.At(b.Min.X+s.at.X, b.Min.Y+s.at.Y).RGBA()
		got := color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8), 255}
		if !near(got, s.want, tol) {
			t.Errorf("%s at %v: colour %v, want %v ±%d", s.name, s.at, got, s.want, tol)
		} else {
			t.Logf("%s at %v: colour %v (painted %v)", s.name, s.at, got, s.want)
		}
	}
}

func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}
