package audio

import (
	"testing"
	"time"
)

// slow is a format whose period is long enough that a loaded machine's
// scheduling delay never passes for a late frame.
var slow = Format{SampleRate: 8000, Channels: 1, Period: 100 * time.Millisecond}

func TestPacerCountsLateFrames(t *testing.T) {
	var l lateness
	p := newPacer(time.Now().Add(-slow.Period), slow)
	p.late = &l
	n := slow.FrameSamples()
	frame := func() {
		t.Helper()
		if err := p.waitFor(n, nil); err != nil {
			t.Fatal(err)
		}
	}
	frame() // due now: on time, the stream's offset is about 0
	p.origin = p.origin.Add(-250 * time.Millisecond)
	frame() // due 150 ms ago: late
	p.origin = p.origin.Add(200 * time.Millisecond)
	frame() // due in about 50 ms: waits, on time
	st := l.stats()
	if st.Frames != 3 || st.Late != 1 || st.Worst < 150*time.Millisecond || st.Offset > slow.Period {
		t.Fatalf("stats %+v, want 3 frames, 1 late, worst ≥ 150 ms", st)
	}
}

func TestPacerLatenessCountsFromTheStreamOffset(t *testing.T) {
	var l lateness
	// A caller that always comes 1.5 periods after the due time (a loop
	// that plays after it captures) is steady, not late.
	for range 5 {
		l.record(30*time.Millisecond, 20*time.Millisecond)
	}
	l.record(45*time.Millisecond, 20*time.Millisecond) // 15 ms beyond the offset: on time
	l.record(55*time.Millisecond, 20*time.Millisecond) // 25 ms beyond: late
	st := l.stats()
	if st.Frames != 7 || st.Late != 1 || st.Offset != 30*time.Millisecond || st.Worst != 25*time.Millisecond {
		t.Fatalf("stats %+v, want 7 frames, 1 late, offset 30 ms, worst 25 ms", st)
	}
}

func TestPacerCountsRebaseAsLate(t *testing.T) {
	var l lateness
	p := newPacer(time.Now().Add(-time.Second), narrow)
	p.late = &l
	n := narrow.FrameSamples()
	// A caller that starts long after the device opened is re-based, not late.
	if err := p.waitFor(n, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(n, nil); err != nil { // waits: offset about 0
		t.Fatal(err)
	}
	p.origin = p.origin.Add(-time.Second) // a stall of a second: re-based, late
	if err := p.waitFor(n, nil); err != nil {
		t.Fatal(err)
	}
	if st := l.stats(); st.Frames != 3 || st.Late != 1 || st.Worst < 900*time.Millisecond {
		t.Fatalf("stats %+v, want 3 frames, 1 late, worst ≥ 0.9 s", st)
	}
}

func TestPacerWithoutCounter(t *testing.T) {
	p := newPacer(time.Now().Add(-time.Second), narrow)
	if err := p.waitStart(narrow.FrameSamples(), nil); err != nil { // must not panic
		t.Fatal(err)
	}
}
