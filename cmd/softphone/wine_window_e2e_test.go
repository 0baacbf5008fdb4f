//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

var update = flag.Bool("update", false, "rewrite the Wine window's reference pictures in testdata/wine")

const (
	wineRefDir = "testdata/wine"
	// A pixel differs when a channel is off by more than winePixelTolerance;
	// a picture matches when at most wineMaxDiff of the pixels compared
	// differ. The same program on the same Wine and llvmpipe draws the same
	// pixels but for the caret's blink (about 30); a typed word is 2000.
	winePixelTolerance = 16
	wineMaxDiff        = 0.001
	// The registration line may differ in no more pixels than this: a
	// failed registration changes about 2000, and any other word there
	// more than 20.
	wineStateMaxDiff = 20
	// A key has shown its effect when more pixels than this changed: the
	// caret's blink changes about 30, each step of the route 2300 or more.
	wineKeyMinDiff = 100
)

// wineScreen is a state of the window and its reference picture, less
// the text that changes from run to run (ports, times), in window pixels
// at the default size (1024×700).
type wineScreen struct {
	name  string
	masks []image.Rectangle
}

var (
	wineDialpad  = wineScreen{name: "dialpad"}
	wineAccounts = wineScreen{name: "accounts", masks: []image.Rectangle{
		image.Rect(250, 120, 720, 144), // "alice@127.0.0.1 via 127.0.0.1:<Kamailio's port>"
		image.Rect(250, 170, 720, 190), // "Expires at <time> (10 min granted)"
		image.Rect(240, 210, 720, 236), // "Direct calls reach this device at sip:127.0.0.1:<port>"
	}}
	wineInCall = wineScreen{name: "incall", masks: []image.Rectangle{
		image.Rect(598, 190, 660, 211), // the call's duration
		image.Rect(425, 214, 740, 243), // the quality line: figures once media flows
	}}
	// wineRegLine is the account's light, name and state on the accounts
	// screen: "Registered" in green.
	wineRegLine = image.Rect(228, 88, 720, 170)
)

// TestWindowUnderWine runs the Windows window (softphone.exe) under Wine
// on Xvfb, registered at the test Kamailio, and drives it with the
// keyboard alone: it compares the dialpad and the accounts screen
// ("Registered") with reference pictures, types bob's number and Return
// (the auto-answering baresip answers), checks the in-call screen the
// same way, and hangs up with Escape. Wine 8.0 sends no pointer
// messages, so the mouse is not tested (testlab/wine_gio.go).
func TestWindowUnderWine(t *testing.T) {
	testlab.Require(t, "wine", "wine wine64")
	testlab.Require(t, "Xvfb", "xvfb")
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	testlab.Require(t, "xdotool", "xdotool")
	testlab.Require(t, "import", "imagemagick")
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	dir := testlab.BuildWindows(t, repo)
	t.Logf("Windows build: %v", time.Since(start))
	w := testlab.StartWine(t, repo)
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	display := testlab.StartXvfb(t, 120)
	// No tray icon: with no desktop's tray on Xvfb, Wine shows its own
	// strip at the top left when an icon comes, over the window's corner
	// in the pictures, at a moment that depends on the machine's load.
	// TestSystrayUnderWine checks the tray.
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n[ui]\ntray = false\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
	ready := time.Now()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	ev := startWineWindow(t, ctx, w, filepath.Join(dir, "softphone.exe"), display,
		"--config", testlab.WindowsPath(cfg), "--data", testlab.WindowsPath(t.TempDir()))
	ev.wait("alice registered", time.Minute, "registration", map[string]string{"account": "alice", "state": "registered"})
	ev.wait("the first frame", time.Minute, "window", map[string]string{"state": "first_frame"})
	win, err := testlab.FindXWindow(ctx, append(os.Environ(), "DISPLAY="+display), "Softphone")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("window %s up %v after start", win.ID, time.Since(ready))
	keys := func(k ...string) {
		t.Helper()
		if _, err := win.Xdotool(ctx, append([]string{"key", "--delay", "80"}, k...)...); err != nil {
			t.Fatal(err)
		}
	}

	pad := waitScreen(t, ctx, win, wineDialpad)
	// The keyboard goes round the controls in the order they are drawn:
	// back from the number field over the alice chip, voicemail, do not
	// disturb and Settings to Accounts.
	stepKeys(t, ctx, win, pad, "shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab", "space")
	acc := waitScreen(t, ctx, win, wineAccounts)
	if n := regionDiff(t, acc, wineAccounts, wineRegLine); n > wineStateMaxDiff {
		t.Fatalf("the registration line differs from the reference in %d pixels (at most %d): not \"Registered\"?", n, wineStateMaxDiff)
	}
	stepKeys(t, ctx, win, acc, "shift+Tab", "shift+Tab", "shift+Tab", "shift+Tab", "space") // Messages … Dialpad
	waitScreen(t, ctx, win, wineDialpad)

	dialed := time.Now()
	if _, err := win.Xdotool(ctx, "type", "--delay", "50", "bob"); err != nil {
		t.Fatal(err)
	}
	keys("Return")
	bareWait(t, bob, "CALL_ESTABLISHED", 20*time.Second)
	connected := ev.wait("call connected", 20*time.Second, "call", map[string]string{"state": "connected"})
	if uri := fmt.Sprint(connected["remote"]); !strings.Contains(uri, "bob@") {
		t.Errorf("the call went to %s, want bob", uri)
	}
	t.Logf("call connected %v after the first key", time.Since(dialed))
	incall := waitScreen(t, ctx, win, wineInCall)
	// The comparison tells screens apart: the in-call screen is far from
	// the dialpad.
	if n, limit := screenDiff(t, incall, wineDialpad); n <= limit {
		t.Fatalf("the in-call screen matches the dialpad's reference (%d differing pixels, limit %d)", n, limit)
	}

	keys("Escape")
	closed := bareWait(t, bob, "CALL_CLOSED", 15*time.Second)
	ended := ev.wait("call ended", 15*time.Second, "call", map[string]string{"id": fmt.Sprint(connected["id"]), "state": "ended"})
	if ended["reason"] != "hung up" {
		t.Errorf("the call ended with %v, want \"hung up\" (baresip: %s)", ended["reason"], closed.Param)
	}
	waitScreen(t, ctx, win, wineDialpad)
	t.Logf("window test %v, the Windows build and Wine's start included", time.Since(start))
}

// wineEvents are the window's --json events; one read while waiting
// for another stays for a later wait.
type wineEvents struct {
	t     *testing.T
	ch    chan map[string]any
	seen  []map[string]any
	taken []bool
}

// startWineWindow runs the window exe under Wine on display with args
// and --json; it is killed when the test ends.
func startWineWindow(t *testing.T, ctx context.Context, w *testlab.Wine, exe, display string, args ...string) *wineEvents {
	t.Helper()
	cmd := w.Command(ctx, []string{"DISPLAY=" + display}, exe, append(args, "--json")...)
	var stderr testlab.SyncBuffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("softphone.exe stderr:\n%s", tail(stderr.String(), 4000))
		}
	})
	ev := &wineEvents{t: t, ch: make(chan map[string]any, 256)}
	go func() {
		defer close(ev.ch)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err == nil {
				ev.ch <- m
			}
		}
	}()
	return ev
}

// wait returns the next event of kind whose fields hold want.
func (ev *wineEvents) wait(what string, d time.Duration, kind string, want map[string]string) map[string]any {
	ev.t.Helper()
	match := func(e map[string]any) bool {
		ok := e["event"] == kind
		for k, v := range want {
			ok = ok && fmt.Sprint(e[k]) == v
		}
		return ok
	}
	for i, e := range ev.seen {
		if !ev.taken[i] && match(e) {
			ev.taken[i] = true
			return e
		}
	}
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-ev.ch:
			if !ok {
				ev.t.Fatalf("softphone.exe's output ended before %s", what)
			}
			ev.seen, ev.taken = append(ev.seen, e), append(ev.taken, false)
			if match(e) {
				ev.taken[len(ev.taken)-1] = true
				return e
			}
		case <-deadline:
			ev.t.Fatalf("no %s within %v", what, d)
		}
	}
}

// stepKeys presses each key (xdotool's names) once the window has drawn
// the one before: Gio's window takes a Tab for handled, and does not move
// the focus, while the focus events of the last move wait for a frame,
// and llvmpipe on a loaded machine draws far slower than xdotool types.
// from is the window's picture before the first key; stepKeys returns
// the picture after the last. A key without a visible effect fails, named.
func stepKeys(t *testing.T, ctx context.Context, win *testlab.XWindow, from *image.RGBA, keys ...string) *image.RGBA {
	t.Helper()
	start := time.Now()
	changed := make([]int, len(keys))
	for i, k := range keys {
		if _, err := win.Xdotool(ctx, "key", k); err != nil {
			t.Fatal(err)
		}
		next := waitChange(t, ctx, win, from, fmt.Sprintf("key %d of %v (%s)", i+1, keys, k))
		changed[i], _ = testlab.CompareImages(from, next, winePixelTolerance)
		from = next
	}
	t.Logf("%v: %v, each key's effect drawn before the next; pixels changed %v", keys, time.Since(start), changed)
	return from
}

// waitChange takes pictures of the window until one differs from before
// in more than wineKeyMinDiff pixels and the next is the same (the frame
// is whole), and returns it; after 10 s it fails with what, keeping the
// last picture.
func waitChange(t *testing.T, ctx context.Context, win *testlab.XWindow, before *image.RGBA, what string) *image.RGBA {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var changed *image.RGBA
	for {
		img, err := win.Grab(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, _ := testlab.CompareImages(before, img, winePixelTolerance)
		switch {
		case n < 0:
			t.Fatalf("%s: the window changed size from %v to %v", what, before.Bounds().Size(), img.Bounds().Size())
		case n <= wineKeyMinDiff:
			changed = nil
		case changed != nil:
			if m, _ := testlab.CompareImages(changed, img, winePixelTolerance); m <= wineKeyMinDiff {
				return img
			}
			changed = img
		default:
			changed = img
		}
		if time.Now().After(deadline) {
			got := keepPicture(t, "wine-nochange.png", img)
			t.Fatalf("%s: the window did not change within 10 s (%d pixels differ, more than %d wanted); got %s", what, n, wineKeyMinDiff, got)
		}
		time.Sleep(100 * time.Millisecond) // the next picture; the deadline bounds the wait
	}
}

// waitScreen takes pictures of the window until one matches s's
// reference, and returns it; after 20 s it fails with the figures, the
// last picture and where it differs.
func waitScreen(t *testing.T, ctx context.Context, win *testlab.XWindow, s wineScreen) *image.RGBA {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last *image.RGBA
	for {
		img, err := win.Grab(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if *update {
			// The window has settled when two pictures in a row match.
			if last != nil {
				if n, _ := testlab.CompareImages(last, masked(img, s, last), winePixelTolerance); n <= 50 {
					writeWineRef(t, s, img)
					return img
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: the window did not settle within 20 s", s.name)
			}
			last = img
			time.Sleep(300 * time.Millisecond)
			continue
		}
		n, limit := screenDiff(t, img, s)
		if n <= limit {
			t.Logf("%s: %d pixels differ from the reference (limit %d)", s.name, n, limit)
			return img
		}
		if time.Now().After(deadline) {
			got := keepPicture(t, "wine-"+s.name+".png", img)
			_, diff := testlab.CompareImages(readWineRef(t, s), masked(img, s, readWineRef(t, s)), winePixelTolerance)
			dpath := keepPicture(t, "wine-"+s.name+"-diff.png", diff)
			t.Fatalf("%s: %d pixels differ from %s by more than %d (limit %d); got %s, differences in %s (-update rewrites the reference)",
				s.name, n, wineRefPath(s), winePixelTolerance, limit, got, dpath)
		}
		time.Sleep(250 * time.Millisecond) // the next picture; the deadline bounds the wait
	}
}

// screenDiff counts the pixels of img, outside s's masks, that differ
// from s's reference, and the most that may.
func screenDiff(t *testing.T, img *image.RGBA, s wineScreen) (n, limit int) {
	t.Helper()
	ref := readWineRef(t, s)
	n, _ = testlab.CompareImages(ref, masked(img, s, ref), winePixelTolerance)
	if n < 0 {
		t.Fatalf("%s: the window is %v, the reference %v", s.name, img.Bounds().Size(), ref.Bounds().Size())
	}
	area := img.Bounds().Dx() * img.Bounds().Dy()
	for _, m := range s.masks {
		area -= m.Intersect(img.Bounds()).Dx() * m.Intersect(img.Bounds()).Dy()
	}
	return n, int(wineMaxDiff * float64(area))
}

// regionDiff counts the pixels of r, outside s's masks, that differ from
// s's reference.
func regionDiff(t *testing.T, img *image.RGBA, s wineScreen, r image.Rectangle) int {
	t.Helper()
	ref := readWineRef(t, s)
	n, _ := testlab.CompareImages(subImage(ref, r), masked(img, s, ref).SubImage(r), winePixelTolerance)
	return n
}

// masked is img with s's masks painted from ref: what they hide compares
// equal.
func masked(img *image.RGBA, s wineScreen, ref image.Image) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	copy(out.Pix, img.Pix)
	for _, m := range s.masks {
		for y := m.Min.Y; y < m.Max.Y; y++ {
			for x := m.Min.X; x < m.Max.X; x++ {
				out.Set(x, y, ref.At(x, y))
			}
		}
	}
	return out
}

func subImage(img image.Image, r image.Rectangle) image.Image {
	if s, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	}); ok {
		return s.SubImage(r)
	}
	return img
}

func wineRefPath(s wineScreen) string { return filepath.Join(wineRefDir, "window-"+s.name+".png") }

// readWineRef reads s's reference. A missing one fails, always; off CI
// the picture of this run is kept to look at and check in (-update).
func readWineRef(t *testing.T, s wineScreen) image.Image {
	t.Helper()
	f, err := os.Open(wineRefPath(s))
	if err != nil {
		t.Fatalf("no reference %s: %v (run go test ./cmd/softphone -run TestWindowUnderWine -update, look at the pictures and check them in)", wineRefPath(s), err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", wineRefPath(s), err)
	}
	return img
}

// writeWineRef writes s's reference from img: people do, who look at it.
func writeWineRef(t *testing.T, s wineScreen, img image.Image) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal("-update on CI: references are written by people, who look at them")
	}
	if err := os.MkdirAll(wineRefDir, 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(wineRefPath(s))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(f, img); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s: look at it before checking it in", wineRefPath(s))
}

// keepPicture writes img where the test's pictures go
// (SOFTPHONE_SCREENSHOT_DIR, else the test's temporary directory).
func keepPicture(t *testing.T, name string, img image.Image) string {
	t.Helper()
	dir := os.Getenv("SOFTPHONE_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Error(err)
		return path
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Error(err)
	}
	return path
}
