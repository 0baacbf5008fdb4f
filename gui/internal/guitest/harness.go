// Package guitest helps test the screens: a fake phone that records the
// commands it is sent, and a harness that lays out frames through a real
// input router, so a test clicks controls by their semantic description,
// types, and takes screenshots. Only tests import it.
package guitest

import (
	"context"
	"image"
	"image/png"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gioui.org/f32"
	"gioui.org/gpu/headless"
	"gioui.org/io/input"
	"gioui.org/io/key"
	"gioui.org/io/pointer"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/paint"
	"gioui.org/text"
	"gioui.org/unit"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/theme"
)

func init() {
	// Without a display, Mesa's EGL finds no platform to draw on unless
	// told to draw off screen: the screenshots need no window.
	if os.Getenv("EGL_PLATFORM") == "" && os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		_ = os.Setenv("EGL_PLATFORM", "surfaceless")
	}
}

// Shaper is a text shaper with the Go fonts, to share between tests:
// building one loads the fonts.
var Shaper = text.NewShaper(text.WithCollection(theme.Faces()))

// Harness lays out frames of a screen through an input router.
type Harness struct {
	T      testing.TB
	Router input.Router
	Ops    op.Ops
	Size   image.Point // in px
	Metric unit.Metric // zero: 1 px per dp and per sp
	Now    time.Time
	// Layout draws a frame; NewPage sets it.
	Layout func(gtx layout.Context)
	// Env is the page's environment (NewPage); its Run runs commands at
	// once, so a test sees their effect right after the frame, and adds
	// their errors to Errs.
	Env  *env.Env
	Errs []string
	// Windows, if set, keeps the headless windows Screenshot draws into;
	// else Screenshot makes one each time.
	Windows Windows
}

// NewPage makes a harness that lays out one page with phone ph in theme
// th, on the theme's background. The model is ph's State, read once per
// frame as the window does. It lays out no frame yet.
func NewPage(t testing.TB, ph core.Phone, th *theme.Theme, size image.Point, now time.Time, page func(gtx layout.Context, e *env.Env) layout.Dimensions) *Harness {
	h := &Harness{T: t, Size: size, Now: now}
	h.Env = &env.Env{
		Theme: th,
		Phone: ph,
		Run: func(what string, cmd func(ctx context.Context) error) {
			if err := cmd(t.Context()); err != nil {
				h.Errs = append(h.Errs, what+": "+err.Error())
			}
		},
	}
	h.Layout = func(gtx layout.Context) {
		e := h.Env
		e.Model = env.Model{State: e.Phone.State(), Now: gtx.Now}
		e.Size = env.SizeOf(gtx)
		paint.Fill(gtx.Ops, e.Theme.Bg)
		page(gtx, e)
	}
	return h
}

// Screen is a harness showing one page with a fake phone.
type Screen struct {
	*Harness
	Phone *Phone
}

// NewScreen shows page in theme th at size (px) with a phone that has
// these calls, and lays out a first frame.
func NewScreen(t testing.TB, th *theme.Theme, size image.Point, now time.Time, page func(gtx layout.Context, e *env.Env) layout.Dimensions, calls ...call.Info) *Screen {
	ph := NewPhone(calls...)
	s := &Screen{Harness: NewPage(t, ph, th, size, now, page), Phone: ph}
	ph.Clock = func() time.Time { return s.Now } // commands run on the test's goroutine
	s.Frame()
	return s
}

// Want reports an error unless the commands sent since the last Want are
// cmds, then forgets them.
func (s *Screen) Want(cmds ...string) {
	s.T.Helper()
	if got := s.Phone.Commands(); !slices.Equal(got, cmds) {
		s.T.Errorf("commands %q, want %q", got, cmds)
	}
	s.Phone.Reset()
}

// Frame lays out one frame.
func (h *Harness) Frame() {
	h.Ops.Reset()
	m := h.Metric
	if m == (unit.Metric{}) {
		m = unit.Metric{PxPerDp: 1, PxPerSp: 1}
	}
	gtx := layout.Context{
		Ops:         &h.Ops,
		Metric:      m,
		Constraints: layout.Exact(h.Size),
		Now:         h.Now,
		Source:      h.Router.Source(),
	}
	h.Layout(gtx)
	h.Router.Frame(&h.Ops)
}

// Nodes lists the semantic nodes of the last frame.
func (h *Harness) Nodes() []input.SemanticNode {
	// The router lists every node, children included, flat.
	return h.Router.AppendSemantics(nil)
}

// Descriptions lists every description of the last frame.
func (h *Harness) Descriptions() []string {
	var out []string
	for _, n := range h.Nodes() {
		if n.Desc.Description != "" {
			out = append(out, n.Desc.Description)
		}
	}
	return out
}

// findBy returns the first node whose description matches.
func (h *Harness) findBy(match func(string) bool) (input.SemanticDesc, bool) {
	for _, n := range h.Nodes() {
		if match(n.Desc.Description) {
			return n.Desc, true
		}
	}
	return input.SemanticDesc{}, false
}

// Find returns the node described exactly desc, or else labelled so.
func (h *Harness) Find(desc string) (input.SemanticDesc, bool) {
	if d, ok := h.findBy(func(s string) bool { return s == desc }); ok {
		return d, true
	}
	for _, n := range h.Nodes() {
		if n.Desc.Label == desc {
			return n.Desc, true
		}
	}
	return input.SemanticDesc{}, false
}

// FindPrefix returns the first node whose description starts with s.
func (h *Harness) FindPrefix(s string) (input.SemanticDesc, bool) {
	return h.findBy(func(d string) bool { return strings.HasPrefix(d, s) })
}

// FindPart returns the first node whose description contains s.
func (h *Harness) FindPart(s string) (input.SemanticDesc, bool) {
	return h.findBy(func(d string) bool { return strings.Contains(d, s) })
}

// Must is Find, failing the test if there is no such node.
func (h *Harness) Must(desc string) input.SemanticDesc {
	h.T.Helper()
	d, ok := h.Find(desc)
	if !ok {
		h.T.Fatalf("no control %q on screen; have %q", desc, h.Descriptions())
	}
	return d
}

// ExpectPart reports an error if no description contains s.
func (h *Harness) ExpectPart(s string) {
	h.T.Helper()
	if _, ok := h.FindPart(s); !ok {
		h.T.Errorf("nothing described %q; have %q", s, h.Descriptions())
	}
}

// Click clicks the node Must finds, then lays out the frame that handles
// the click and one more.
func (h *Harness) Click(desc string) {
	h.T.Helper()
	h.clickAt(h.Must(desc).Bounds)
}

// ClickPart clicks the first control whose description contains s, then
// lays out two frames.
func (h *Harness) ClickPart(s string) {
	h.T.Helper()
	d, ok := h.FindPart(s)
	if !ok {
		h.T.Fatalf("no control described %q; have %q", s, h.Descriptions())
	}
	h.clickAt(d.Bounds)
}

func (h *Harness) clickAt(b image.Rectangle) {
	pos := f32.Pt(float32(b.Min.X+b.Max.X)/2, float32(b.Min.Y+b.Max.Y)/2)
	h.Router.Queue(
		pointer.Event{Kind: pointer.Press, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
		pointer.Event{Kind: pointer.Release, Source: pointer.Mouse, Buttons: pointer.ButtonPrimary, Position: pos},
	)
	h.Frame()
	h.Frame()
}

// Type sends text to the focused handler, as a keyboard would.
func (h *Harness) Type(s string) {
	h.Router.Queue(key.EditEvent{Text: s})
	h.Frame()
	h.Frame()
}

// TypeInto focuses the field described desc by clicking it and replaces
// its text with s.
func (h *Harness) TypeInto(desc, s string) {
	h.T.Helper()
	h.Click(desc)
	h.Router.Queue(key.Event{Name: "A", Modifiers: key.ModShortcut, State: key.Press})
	h.Frame()
	sel := h.Router.EditorState().Selection.Range
	h.Router.Queue(key.EditEvent{Range: sel, Text: s})
	h.Frame()
	h.Frame()
}

// Key sends a key press and release.
func (h *Harness) Key(name key.Name) {
	h.Router.Queue(key.Event{Name: name, State: key.Press}, key.Event{Name: name, State: key.Release})
	h.Frame()
	h.Frame()
}

// Screenshot renders the last frame's ops to a PNG at path. It skips the
// test if there is no GPU backend (headless EGL or Vulkan) here.
func (h *Harness) Screenshot(path string) *image.RGBA {
	h.T.Helper()
	w := h.Windows.get(h.T, h.Size)
	if h.Windows == nil {
		defer w.Release()
	}
	if err := w.Frame(&h.Ops); err != nil {
		h.T.Fatal(err)
	}
	img := image.NewRGBA(image.Rectangle{Max: h.Size})
	if err := w.Screenshot(img); err != nil {
		h.T.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		h.T.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		h.T.Fatal(err)
	}
	return img
}

// Windows keeps headless windows by size: making one costs far more than
// drawing a frame.
type Windows map[image.Point]*headless.Window

// get returns the window of size, made if need be (and kept if ws is not
// nil). It skips the test if there is no GPU.
func (ws Windows) get(t testing.TB, size image.Point) *headless.Window {
	t.Helper()
	if w := ws[size]; w != nil {
		return w
	}
	w, err := headless.NewWindow(size.X, size.Y)
	if err != nil {
		t.Skipf("no headless GPU: %v", err)
	}
	if ws != nil {
		ws[size] = w
	}
	return w
}

// Release frees the windows.
func (ws Windows) Release() {
	for k, w := range ws {
		w.Release()
		delete(ws, k)
	}
}

// Async runs the page's commands as the window does: in order, on one
// queue goroutine, while frames go on. wait blocks until the commands
// queued so far are done. The queue ends with the test.
func (h *Harness) Async() (wait func()) {
	var mu sync.Mutex // guards Errs, written by the queue's goroutine
	q := env.NewQueue(h.T.Context(), func(what string, err error) {
		if err != nil {
			mu.Lock()
			h.Errs = append(h.Errs, what+": "+err.Error())
			mu.Unlock()
		}
	})
	h.Env.Run = q.Run
	return func() {
		done := make(chan struct{})
		q.Run("wait", func(context.Context) error { close(done); return nil })
		<-done
	}
}
