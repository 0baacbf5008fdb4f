package gui

import (
	"context"
	"image"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gioui.org/f32"
	"gioui.org/io/input"
	"gioui.org/io/key"
	"gioui.org/io/pointer"
	"gioui.org/io/semantic"
	"gioui.org/op"

	"github.com/softphone/softphone/gui/internal/guitest"
)

// harness drives a Root with an input.Router and no window: events are
// queued on the router, then a frame is laid out, as a window would do.
type harness struct {
	t      *testing.T
	phone  *guitest.Phone
	root   *Root
	router input.Router
	ops    op.Ops
	size   image.Point
	now    time.Time
	inval  chan struct{} // the root asked for a redraw
}

func newHarness(t *testing.T, size image.Point) *harness { return newThemedHarness(t, size, false) }

func newThemedHarness(t *testing.T, size image.Point, dark bool) *harness {
	t.Helper()
	f, r, inval := newTestRoot(t, dark)
	h := &harness{t: t, phone: f, root: r, size: size, now: fixedNow, inval: inval}
	h.frame() // handlers and key filters exist from the first frame on
	return h
}

// settle lays out frames at the current time, each followed by the
// commands it queued (pages read devices or records on the command
// queue), a few rounds so that what a command brings is drawn and the
// reads it leads to are done too; the last frame stays in h.ops.
func (h *harness) settle() {
	for range 4 {
		layoutFrame(h.root, &h.ops, h.size, h.now, h.router.Source())
		h.router.Frame(&h.ops)
		flush(h.root)
	}
	layoutFrame(h.root, &h.ops, h.size, h.now, h.router.Source())
	h.router.Frame(&h.ops)
}

// flush waits until the commands r queued so far are done: the queue
// runs them in order, so a marker queued last runs after them.
func flush(r *Root) {
	done := make(chan struct{})
	r.queue.Run("flush", func(context.Context) error { close(done); return nil })
	<-done
}

// commands flushes the root's queue and returns, then forgets, the
// commands the phone got.
func (h *harness) commands() []string {
	flush(h.root)
	c := h.phone.Commands()
	h.phone.Reset()
	return c
}

// want checks that the commands sent since the last check are cmds.
func (h *harness) want(cmds ...string) {
	h.t.Helper()
	if got := h.commands(); !slices.Equal(got, cmds) {
		h.t.Fatalf("commands %q, want %q", got, cmds)
	}
}

// typeText types s as a keyboard would, one key per rune.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.typeKey(key.Name(strings.ToUpper(string(r))), string(r))
	}
}

// frame lays out one frame reading the queued events, and hands the ops to
// the router for the next one. Time moves on by one 60 Hz frame.
func (h *harness) frame() {
	h.now = h.now.Add(16 * time.Millisecond)
	layoutFrame(h.root, &h.ops, h.size, h.now, h.router.Source())
	h.router.Frame(&h.ops)
}

// frames lays out n frames (widgets may react to an event one frame late).
func (h *harness) frames(n int) {
	for range n {
		h.frame()
	}
}

// find returns the centre of the first semantic node whose description or
// label is one of names, failing the test when none is on screen. A label
// (the text of a button) stands for the button around it: the label's own
// bounds are the text's.
func (h *harness) find(names ...string) f32.Point {
	h.t.Helper()
	var found *input.SemanticNode
	var all []string
	var walk func(ns []input.SemanticNode, button *input.SemanticNode)
	walk = func(ns []input.SemanticNode, button *input.SemanticNode) {
		for i := range ns {
			n := &ns[i]
			if n.Desc.Description != "" || n.Desc.Label != "" {
				all = append(all, n.Desc.Description+"|"+n.Desc.Label)
			}
			inner := button
			if n.Desc.Class != semantic.Unknown {
				inner = n
			}
			for _, want := range names {
				switch {
				case found != nil:
				case n.Desc.Description == want:
					found = n
				case n.Desc.Label == want && inner != nil:
					found = inner
				}
			}
			walk(n.Children, inner)
		}
	}
	walk(h.router.AppendSemantics(nil), nil)
	if found == nil || found.Desc.Bounds.Empty() {
		h.t.Fatalf("nothing on screen described as %q; semantic nodes (description|label): %s", names, strings.Join(all, ", "))
	}
	b := found.Desc.Bounds.Intersect(image.Rectangle{Max: h.size})
	if b.Empty() {
		h.t.Fatalf("%q is off screen at %v", names, found.Desc.Bounds)
	}
	c := b.Min.Add(b.Max).Div(2)
	return f32.Pt(float32(c.X), float32(c.Y))
}

// findClass returns the centre of the first node of class c.
func (h *harness) findClass(c semantic.ClassOp) f32.Point {
	h.t.Helper()
	for _, n := range h.router.AppendSemantics(nil) {
		if n.Desc.Class == c && !n.Desc.Bounds.Empty() {
			m := n.Desc.Bounds.Min.Add(n.Desc.Bounds.Max).Div(2)
			return f32.Pt(float32(m.X), float32(m.Y))
		}
	}
	h.t.Fatalf("no %v on screen", c)
	return f32.Point{}
}

// click presses and releases the primary button at p, then lays out.
func (h *harness) click(p f32.Point) {
	ev := pointer.Event{Source: pointer.Mouse, Position: p, Time: time.Duration(h.now.UnixNano())}
	move, press, release := ev, ev, ev
	move.Kind = pointer.Move
	press.Kind, press.Buttons = pointer.Press, pointer.ButtonPrimary
	release.Kind = pointer.Release
	press.Time += time.Millisecond
	release.Time += 80 * time.Millisecond
	h.router.Queue(move, press, release)
	h.frames(2)
}

// typeKey is what a keyboard sends for one key that types text: the key
// press, the text for the focused editor, the release.
func (h *harness) typeKey(name key.Name, text string) {
	h.router.Queue(key.Event{Name: name, State: key.Press})
	if text != "" {
		// As app.Window's EditorInsert: replace the selection, then move
		// the selection after the text.
		sel := h.router.EditorState().Selection.Range
		h.router.Queue(key.EditEvent{Range: sel, Text: text})
		at := min(sel.Start, sel.End) + utf8.RuneCountInString(text)
		h.router.Queue(key.SelectionEvent{Start: at, End: at})
	}
	h.router.Queue(key.Event{Name: name, State: key.Release})
	h.frame()
}

func (h *harness) press(name key.Name) { h.typeKey(name, "") }

var phoneSize = image.Pt(360, 740)

// TestTypeNumberAndEnterDials: typing 1 2 3 on the keyboard then Enter on
// the dialpad dials "123", whether or not the user first clicked into the
// number field (on a desktop the window opens ready to type).
func TestTypeNumberAndEnterDials(t *testing.T) {
	for _, clickField := range []bool{true, false} {
		name := "straight away"
		if clickField {
			name = "after clicking the field"
		}
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, phoneSize)
			if clickField {
				h.click(h.findClass(semantic.Editor))
			}
			h.typeText("123")
			h.press(key.NameReturn)
			h.frames(2)
			h.want("Dial 123")
		})
	}
}

// TestClickKeyThenCallDials: tapping the 1 key then Call dials "1".
func TestClickKeyThenCallDials(t *testing.T) {
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			h.click(h.find("Key 1", "1"))
			h.click(h.find("Call the number", "Call"))
			h.want("Dial 1")
		})
	}
}

// TestEscHangsUpActiveCall: Esc during a call hangs it up.
func TestEscHangsUpActiveCall(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.phone.SetCalls(connectedCall())
	h.phone.Quality["out-1"] = cannedStats("opus")
	h.frames(2)
	h.commands()
	h.press(key.NameEscape)
	h.want("Hangup out-1")
}

// TestEscDeclinesRingingCall: Esc while a call rings declines it (the
// phone picks the code), and hangs up nothing.
func TestEscDeclinesRingingCall(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.phone.SetCalls(incomingCall())
	h.frames(2)
	h.commands()
	h.press(key.NameEscape)
	h.want("Decline in-1")
}

// TestNavSwitchesTab: the navigation (bottom bar on a phone, side rail on a
// desktop) switches the screen.
func TestNavSwitchesTab(t *testing.T) {
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			if h.root.Router.Tab != TabDialpad {
				t.Fatalf("starts on tab %d", h.root.Router.Tab)
			}
			h.click(h.find("Show Accounts", "Accounts"))
			if h.root.Router.Tab != TabAccounts {
				t.Fatalf("tab %d after clicking Accounts, want %d", h.root.Router.Tab, TabAccounts)
			}
			h.click(h.find("Show History", "History"))
			if h.root.Router.Tab != TabHistory {
				t.Fatalf("tab %d after clicking History, want %d", h.root.Router.Tab, TabHistory)
			}
		})
	}
}

// TestClicksReachThePhoneInOrder: taps made in quick succession (no wait
// between them for the phone) reach it in the order they were made.
func TestClicksReachThePhoneInOrder(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.phone.SetCalls(connectedCall())
	h.frames(2)
	h.commands()
	h.click(h.find("Mute the microphone"))
	h.click(h.find("Put the call on hold")) // there, muted or not yet
	h.want("Mute out-1 true", "Hold out-1")
}
