package gui

import (
	"testing"
	"time"

	"gioui.org/io/key"
)

// TestAddCallTypesIntoDialpad: after Add call on the in-call screen, the
// keys typed go to the dialpad's number field (not to the call as tones)
// and Enter dials them. The real-window test found them lost.
func TestAddCallTypesIntoDialpad(t *testing.T) {
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			h.phone.setCalls(connectedCall())
			h.phone.setStats("out-1", cannedStats("opus"))
			h.frames(2)
			h.click(h.find("Place another call; this one stays on the list", "Add call"))
			h.frames(1) // the frame the root asked for, with the dialpad
			h.typeText("bob")
			h.press(key.NameReturn)
			c := h.phone.waitCommand(t, "Dial")
			if c.Args[0] != "bob" {
				t.Fatalf("dialled %q, want bob (%v)", c.Args[0], c)
			}
			h.phone.noCommand(t, "SendDTMF", 100*time.Millisecond)
		})
	}
}

// TestTypeAfterCallEnds: once a call is over, typing goes to the number
// field again without a click.
func TestTypeAfterCallEnds(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.phone.setCalls(connectedCall())
	h.phone.setStats("out-1", cannedStats("opus"))
	h.frames(2)
	h.phone.setCalls()
	h.frames(2)
	h.typeText("42")
	h.press(key.NameReturn)
	if c := h.phone.waitCommand(t, "Dial"); c.Args[0] != "42" {
		t.Fatalf("dialled %q, want 42 (%v)", c.Args[0], c)
	}
}
