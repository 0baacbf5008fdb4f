package videosession

import (
	"slices"
	"testing"
)

// vp8Pkt is a VP8 payload: start (S=1) or continuation, then one byte.
func vp8Pkt(start bool, b byte) []byte {
	if start {
		return []byte{0x10, b}
	}
	return []byte{0x00, b}
}

type apkt struct {
	seq    uint16
	ts     uint32
	marker bool
	start  bool
}

// frames3 is three frames of three packets each from seq 65533 (wrapping).
func frames3() []apkt {
	var ps []apkt
	seq := uint16(65533)
	for f := 0; f < 3; f++ {
		for i := 0; i < 3; i++ {
			ps = append(ps, apkt{seq, uint32(1000 + 3000*f), i == 2, i == 0})
			seq++
		}
	}
	return ps
}

func newTestAssembler() *assembler { return newAssembler(vp8Depacketizer{}.mayStart) }

func (a *assembler) put(p apkt) bool {
	return a.insert(p.seq, p.ts, p.marker, vp8Pkt(p.start, byte(p.seq)))
}

// popAll takes the whole frames at the head: their first sequence numbers,
// and the kind that stopped it.
func (a *assembler) popAll() ([]uint16, popKind) {
	var firsts []uint16
	for {
		k, first, last := a.pop()
		if k != popFrame {
			return firsts, k
		}
		firsts = append(firsts, first)
		a.take(last)
	}
}

func TestAssemblerReorders(t *testing.T) {
	a := newTestAssembler()
	ps := frames3()
	order := []int{0, 2, 1, 4, 3, 5, 8, 6, 7}
	var got []uint16
	for _, i := range order {
		if !a.put(ps[i]) {
			t.Fatalf("packet %d refused", i)
		}
		f, _ := a.popAll()
		got = append(got, f...)
	}
	if want := []uint16{65533, 0, 3}; !slices.Equal(got, want) {
		t.Errorf("frames %v, want %v", got, want)
	}
	if a.put(ps[4]) {
		t.Error("a late duplicate was taken")
	}
}

func TestAssemblerGapNACKAndGiveUp(t *testing.T) {
	a := newTestAssembler()
	ps := frames3()
	for i, p := range ps {
		if i != 4 { // the middle of the second frame
			a.put(p)
		}
	}
	f, k := a.popAll()
	if !slices.Equal(f, []uint16{65533}) || k != popGap {
		t.Fatalf("frames %v, then %v; want the first, then a gap", f, k)
	}
	if miss := a.missing(nil); !slices.Equal(miss, []uint16{ps[4].seq}) {
		t.Errorf("missing %v", miss)
	}
	if miss := a.missing(nil); len(miss) != 0 {
		t.Errorf("missing again %v: NACKed twice", miss)
	}
	// The resend comes: the frame completes.
	b := newTestAssembler()
	for i, p := range ps {
		if i != 4 {
			b.put(p)
		}
	}
	b.put(ps[4])
	if f, _ := b.popAll(); len(f) != 3 {
		t.Errorf("with the resend: frames %v", f)
	}
	// It does not: the second frame is dropped, the third comes out.
	a.giveUp()
	f, k = a.popAll()
	if !slices.Equal(f, []uint16{ps[6].seq}) || k != popNone {
		t.Errorf("after giving up: frames %v then %v", f, k)
	}
}

func TestAssemblerLostFrameStartResyncs(t *testing.T) {
	a := newTestAssembler()
	ps := frames3()
	for i, p := range ps {
		if i != 2 && i != 3 { // the end of the first frame, the start of the second
			a.put(p)
		}
	}
	if _, k := a.popAll(); k != popGap {
		t.Fatalf("%v, want a gap", k)
	}
	a.giveUp()
	// Next the head is the second frame's continuation: skipped.
	f, _ := a.popAll()
	if !slices.Equal(f, []uint16{ps[6].seq}) {
		t.Errorf("frames %v, want only the third", f)
	}
}

func TestAssemblerJumpResets(t *testing.T) {
	a := newTestAssembler()
	a.put(apkt{seq: 10, ts: 1, marker: true, start: true})
	if f, _ := a.popAll(); len(f) != 1 {
		t.Fatal("no first frame")
	}
	a.put(apkt{seq: 10 + asmLen + 5, ts: 2, marker: true, start: true})
	if k, _, _ := a.pop(); k != popReset {
		t.Fatalf("%v, want a reset", k)
	}
	if f, _ := a.popAll(); len(f) != 1 {
		t.Errorf("frames after the jump %v", f)
	}
}
