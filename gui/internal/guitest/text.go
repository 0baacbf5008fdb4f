package guitest

import (
	"strings"

	"gioui.org/io/key"
)

// Texts lists what the last frame says: each node's description, or its
// label (a text) when it has none.
func (h *Harness) Texts() []string {
	var out []string
	for _, n := range h.Nodes() {
		if d := n.Desc.Description + n.Desc.Label; d != "" {
			out = append(out, d)
		}
	}
	return out
}

// HasPrefix reports whether a description or text starts with s.
func (h *Harness) HasPrefix(s string) bool {
	for _, d := range h.Texts() {
		if strings.HasPrefix(d, s) {
			return true
		}
	}
	return false
}

// ClickPrefix clicks the first node described with a description starting
// with s (or labelled s), then lays out two frames.
func (h *Harness) ClickPrefix(s string) {
	h.T.Helper()
	for _, n := range h.Nodes() {
		if strings.HasPrefix(n.Desc.Description, s) || n.Desc.Label == s {
			h.clickAt(n.Desc.Bounds)
			return
		}
	}
	h.T.Fatalf("nothing %q on screen; have %q", s, h.Texts())
}

// TypeAfter focuses the field whose description starts with desc and
// types s after what it holds, a rune at a time.
func (h *Harness) TypeAfter(desc, s string) {
	h.T.Helper()
	h.ClickPrefix(desc)
	h.Key(key.NameEnd)
	for _, r := range s {
		sel := h.Router.EditorState().Selection.Range
		h.Router.Queue(key.EditEvent{Range: sel, Text: string(r)})
		at := min(sel.Start, sel.End) + 1 // one rune
		h.Router.Queue(key.SelectionEvent{Start: at, End: at})
		h.Frame()
	}
	h.Frame()
	h.Frame()
}
