package gui

import (
	"testing"

	"gioui.org/io/key"
)

// TestAddCallTypesIntoDialpad: after Add call on the in-call screen, the
// keys typed go to the dialpad's number field (not to the call as tones)
// and Enter dials them. The real-window test found them lost.
func TestAddCallTypesIntoDialpad(t *testing.T) {
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			h.phone.SetCalls(connectedCall())
			h.phone.Quality["out-1"] = cannedStats("opus")
			h.frames(2)
			h.click(h.find("Place another call; this one stays on the list", "Add call"))
			h.frames(1) // the frame the root asked for, with the dialpad
			h.commands()
			h.typeText("bob")
			h.press(key.NameReturn)
			h.want("Dial bob") // and no tones
		})
	}
}

// TestTypeAfterCallEnds: once a call is over, typing goes to the number
// field again without a click.
func TestTypeAfterCallEnds(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.phone.SetCalls(connectedCall())
	h.phone.Quality["out-1"] = cannedStats("opus")
	h.frames(2)
	h.phone.SetCalls()
	h.frames(2)
	h.commands()
	h.typeText("42")
	h.press(key.NameReturn)
	h.want("Dial 42")
}
