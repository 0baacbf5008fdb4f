package media

import (
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
)

// sharedToneDev is a toneDev whose two directions claim one clock, so the
// session serves both from its capture loop.
type sharedToneDev struct{ *toneDev }

func (sharedToneDev) SharedClock() bool { return true }

// TestSessionSharedClock runs a call whose devices share their clock (one
// loop per call), then swaps A to a device with separate clocks mid-call
// and back: audio must flow both ways throughout.
func TestSessionSharedClock(t *testing.T) {
	t.Parallel()
	sharedA, sharedB := sharedToneDev{newToneDev(8000, toneA)}, sharedToneDev{newToneDev(8000, toneB)}
	a, b := newCall(t, callOpts{before: func(a, b *peer) {
		for _, p := range []struct {
			s   *Session
			dev audio.Device
		}{{a.s, sharedA}, {b.s, sharedB}} {
			if err := p.s.SwapDevice(p.dev); err != nil {
				t.Fatal(err)
			}
		}
	}})
	if !audio.SharesClock(a.s.Device()) {
		t.Fatal("the test device does not claim a shared clock")
	}
	receivedMore(t, "B, shared clock", b.s, 0)
	waitTone(t, "A hears B (shared clock)", sharedA.toneDev, toneB)
	waitTone(t, "B hears A (shared clock)", sharedB.toneDev, toneA)

	// To separate clocks: the playout loop must take over for A.
	sep := newToneDev(8000, toneA)
	r := b.s.Stats().PacketsReceived
	if err := a.s.SwapDevice(sep); err != nil {
		t.Fatal(err)
	}
	receivedMore(t, "B, A on separate clocks", b.s, r)
	waitTone(t, "A hears B (separate clocks)", sep, toneB)
	waitTone(t, "B hears A (A on separate clocks)", sharedB.toneDev, toneA)

	// And back.
	back := sharedToneDev{newToneDev(8000, toneA)}
	r = b.s.Stats().PacketsReceived
	if err := a.s.SwapDevice(back); err != nil {
		t.Fatal(err)
	}
	receivedMore(t, "B, A shared again", b.s, r)
	waitTone(t, "A hears B (shared again)", back.toneDev, toneB)
	if st := b.s.Stats(); st.PacketsReceived < 75 {
		t.Errorf("B received %d packets over three stages of 25", st.PacketsReceived)
	}
}

// receivedMore waits for s to receive half a second of packets (25) more
// than from: the tone checks that follow then hear audio sent after a
// change, not before it.
func receivedMore(t *testing.T, who string, s *Session, from uint64) {
	t.Helper()
	if !waitFor(5*time.Second, func() bool { return s.Stats().PacketsReceived >= from+25 }) {
		t.Fatalf("%s: %d packets received in 5 s, want 25", who, s.Stats().PacketsReceived-from)
	}
}
