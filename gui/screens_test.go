package gui

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gioui.org/gpu/headless"
	"gioui.org/io/input"
	"gioui.org/io/semantic"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/text"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/internal/testlab"
)

var update = flag.Bool("update", false, "rewrite the reference screenshots in testdata/screens")

func init() {
	// Times the screens print (history, registration) are in local time:
	// pin the zone so the references do not depend on the machine.
	time.Local = time.UTC
}

const (
	screensDir = "testdata/screens"
	outDir     = "testdata/screens/out"

	// A pixel differs when one of its channels is off by more than
	// pixelTolerance; a screen fails when more than maxDiffFraction of its
	// pixels differ (antialiasing and llvmpipe versions move a few).
	pixelTolerance  = 16
	maxDiffFraction = 0.005
)

// metric keeps 1 px per dp so the reference files stay small.
var metric = unit.Metric{PxPerDp: 1, PxPerSp: 1}

// sharedShaper loads the fonts once for all tests (it is what theme.New(dark,
// nil) would build every time).
var sharedShaper = text.NewShaper(text.WithCollection(theme.Faces()))

func testTheme(dark bool) *theme.Theme { return theme.New(dark, sharedShaper) }

// formFactor is a window size in dp.
type formFactor struct {
	name string
	size image.Point
}

var formFactors = []formFactor{
	{"phone", image.Pt(360, 740)},
	{"tablet", image.Pt(800, 1280)},
	{"desktop", image.Pt(1024, 700)},
}

// screen is one state of the window worth a reference picture.
type screen struct {
	name  string
	setup func(h *harness)
}

var screens = []screen{
	{"dialpad", func(h *harness) { h.root.Router.Tab = TabDialpad }},
	{"dialpad-number", func(h *harness) {
		h.root.Router.Tab = TabDialpad
		h.click(h.findClass(semantic.Editor))
		h.typeText("+1 555 0100")
	}},
	{"accounts", func(h *harness) { h.root.Router.Tab = TabAccounts }},
	{"accounts-none", func(h *harness) {
		setAccounts(h.phone, nil, nil)
		h.root.Router.Tab = TabAccounts
	}},
	{"incoming", func(h *harness) { h.phone.SetCalls(incomingCall()) }},
	{"incall", func(h *harness) {
		h.phone.SetCalls(connectedCall())
		h.phone.Quality["out-1"] = cannedStats("opus")
	}},
	{"incall-held", func(h *harness) {
		h.phone.SetCalls(heldCall())
		h.phone.Quality["out-1"] = cannedStats("opus")
	}},
	{"two-calls", func(h *harness) {
		h.phone.SetCalls(heldCall(), secondCall())
		h.phone.Quality["out-1"] = cannedStats("opus")
		h.phone.Quality["out-2"] = cannedStats("G722")
	}},
	{"history", func(h *harness) {
		h.root.Router.Tab = TabHistory
		feedHistory(h, 40)
	}},
	{"contacts", func(h *harness) {
		h.root.Router.Tab = TabContacts
		h.withRecords(contactRecords(h.t, cannedContacts()...))
	}},
	{"settings", func(h *harness) { h.root.Router.Tab = TabSettings }},
}

// cannedContacts is a small address book: favourites, several numbers,
// SIP addresses.
func cannedContacts() []core.Contact {
	return []core.Contact{
		{Name: "Bob Dupont", Favourite: true, Numbers: []core.ContactNumber{{Label: "sip", Value: "sip:bob@sip.example.com"}, {Label: "mobile", Value: "+33 6 12 34 56 78"}}},
		{Name: "Carol Smith", Favourite: true, Numbers: []core.ContactNumber{{Label: "work", Value: "sip:carol@sip.example.com"}}},
		{Name: "Dave Martin", Numbers: []core.ContactNumber{{Label: "mobile", Value: "+44 7700 900123"}}},
		{Name: "Emma Rossi", Numbers: []core.ContactNumber{{Label: "home", Value: "+39 06 1234 5678"}, {Label: "work", Value: "sip:emma@pbx.example.org"}}},
		{Name: "Reception", BLF: true, Numbers: []core.ContactNumber{{Label: "ext", Value: "100"}}},
		{Name: "Support line", Numbers: []core.ContactNumber{{Value: "sip:support@example.net"}}},
		{Name: "Zoë Nguyen", Note: "Prefers mornings", Numbers: []core.ContactNumber{{Label: "mobile", Value: "+1 555 0142"}}},
	}
}

// newTestRoot is the window's root over a fake phone in the usual idle
// state, its commands recorded and its redraw requests counted. Its
// command queue ends with the test.
func newTestRoot(tb testing.TB, dark bool) (*guitest.Phone, *Root, chan struct{}) {
	f := phoneWithAccounts()
	f.Records = guitest.NewRecords()
	r := NewRoot(tb.Context(), f, testTheme(dark))
	inval := make(chan struct{}, 1)
	r.Invalidate = func() {
		select {
		case inval <- struct{}{}:
		default:
		}
	}
	return f, r, inval
}

// layoutFrame builds one frame of r into ops at size (in px), at time now,
// reading input from src (the zero Source: no input).
func layoutFrame(r *Root, ops *op.Ops, size image.Point, now time.Time, src input.Source) layout.Dimensions {
	ops.Reset()
	gtx := layout.Context{
		Ops:         ops,
		Now:         now,
		Metric:      metric,
		Constraints: layout.Exact(size),
		Source:      src,
	}
	return r.Layout(gtx)
}

// TestScreens renders every screen at every form factor in both themes with
// the headless GPU renderer and compares the pictures with the references.
func TestScreens(t *testing.T) {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			w, err := headless.NewWindow(ff.size.X, ff.size.Y)
			if err != nil {
				if os.Getenv("CI") == "true" {
					t.Fatalf("headless GPU window: %v", err)
				}
				t.Skipf("headless GPU window (needs Mesa EGL): %v", err)
			}
			defer w.Release()
			for _, sc := range screens {
				for _, dark := range []bool{false, true} {
					name := fmt.Sprintf("%s-%s-%s", sc.name, ff.name, themeName(dark))
					t.Run(sc.name+"/"+themeName(dark), func(t *testing.T) {
						img := renderScreen(t, w, ff.size, sc, dark)
						checkScreen(t, name, img)
					})
				}
			}
		})
	}
}

func themeName(dark bool) string {
	if dark {
		return "dark"
	}
	return "light"
}

// renderScreen sets the screen up through a harness (so setups may click
// and type), lets it settle and draws the last frame.
func renderScreen(t *testing.T, w *headless.Window, size image.Point, sc screen, dark bool) *image.RGBA {
	t.Helper()
	h := newThemedHarness(t, size, dark)
	sc.setup(h)
	h.settle()
	if err := w.Frame(&h.ops); err != nil {
		t.Fatalf("frame: %v", err)
	}
	img := image.NewRGBA(image.Rectangle{Max: size})
	if err := w.Screenshot(img); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img
}

// checkScreen writes the picture to out/ and compares it with the
// reference, writing or rewriting the reference when asked or missing.
func checkScreen(t *testing.T, name string, img *image.RGBA) {
	t.Helper()
	out := filepath.Join(outDir, name+".png")
	if err := writePNG(out, img, png.DefaultCompression); err != nil {
		t.Fatal(err)
	}
	ref := filepath.Join(screensDir, name+".png")
	if *update {
		if os.Getenv("CI") == "true" {
			t.Fatal("-update on CI: references are written by people, who look at them")
		}
		if err := writePNG(ref, img, png.BestCompression); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := readPNG(ref)
	if os.IsNotExist(err) {
		// A missing reference compares nothing: it fails, always. Off CI
		// this run's picture becomes the reference, to look at and check
		// in; the next run compares against it.
		if os.Getenv("CI") == "true" {
			t.Fatalf("no reference %s (run go test ./gui -run TestScreens -update, look at the pictures and check them in)", ref)
		}
		if err := writePNG(ref, img, png.BestCompression); err != nil {
			t.Fatal(err)
		}
		t.Fatalf("no reference %s: wrote it from this run; look at it, check it in and run again", ref)
	}
	if err != nil {
		t.Fatal(err)
	}
	n, diff := compareImages(want, img)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	if n < 0 {
		t.Fatalf("%s: size %v, reference %v (got %s; -update rewrites)", name, img.Bounds().Size(), want.Bounds().Size(), out)
	}
	if float64(n) > maxDiffFraction*float64(total) {
		dpath := filepath.Join(outDir, name+"-diff.png")
		_ = writePNG(dpath, diff, png.DefaultCompression)
		t.Fatalf("%s: %d of %d pixels (%.2f %%) differ from %s by more than %d; got %s, differences in %s (-update rewrites the reference)",
			name, n, total, 100*float64(n)/float64(total), ref, pixelTolerance, out, dpath)
	}
}

// compareImages counts the pixels of got that differ from want by more than
// pixelTolerance in a channel (testlab.CompareImages, which the Wine
// window test shares), with the differences drawn in red.
func compareImages(want image.Image, got *image.RGBA) (int, *image.RGBA) {
	return testlab.CompareImages(want, got, pixelTolerance)
}

// writePNG writes img; the references are compressed harder (they are
// checked in), the pictures of each run faster.
func writePNG(path string, img image.Image, level png.CompressionLevel) error {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: level}
	if err := enc.Encode(&buf, img); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

func readPNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return png.Decode(f)
}

// TestCompareImages checks the comparison itself: tolerance per channel and
// the count.
func TestCompareImages(t *testing.T) {
	a := image.NewRGBA(image.Rect(0, 0, 10, 10))
	b := image.NewRGBA(image.Rect(0, 0, 10, 10))
	for i := range a.Pix {
		a.Pix[i], b.Pix[i] = 100, 100
	}
	b.SetRGBA(1, 1, color.RGBA{116, 100, 100, 100}) // within tolerance
	b.SetRGBA(2, 2, color.RGBA{100, 117, 100, 100}) // beyond
	b.SetRGBA(3, 3, color.RGBA{100, 100, 100, 0})   // beyond (alpha)
	if n, _ := compareImages(a, b); n != 2 {
		t.Fatalf("%d differing pixels, want 2", n)
	}
	if n, _ := compareImages(image.NewRGBA(image.Rect(0, 0, 5, 5)), b); n != -1 {
		t.Fatalf("size mismatch not reported: %d", n)
	}
}
