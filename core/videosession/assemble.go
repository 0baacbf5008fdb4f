package videosession

import "time"

// asmLen is how many packets the reorder buffer holds: a power of two,
// indexed by sequence number; more than the largest key frame at the
// default ceiling.
const asmLen = 512

type slot struct {
	buf     [rtpBufLen]byte
	n       int // payload length in buf
	seq     uint16
	ts      uint32
	marker  bool
	present bool
}

// popKind is what the assembler has at its head.
type popKind int

const (
	popNone  popKind = iota // nothing whole yet, and nothing missing
	popFrame                // a whole frame, first..last
	popGap                  // a packet is missing at the head
	popReset                // the stream jumped: what came before is gone
)

// assembler puts a stream's packets back in order and finds its whole
// frames: the packets of one timestamp up to the marker bit, none missing.
// The receive goroutine alone uses it.
type assembler struct {
	slots    []slot
	mayStart func(payload []byte) bool

	started bool
	next    uint16 // first sequence number not yet handed out
	high    uint16 // highest sequence number seen
	reset   bool   // the stream jumped past the buffer
	// After a loss given up on, packets are skipped until one that can
	// start a frame (and is not of the broken frame's timestamp).
	resync      bool
	brokenTS    uint32
	brokenKnown bool
	gapAt       time.Time // when the head's gap was first seen; zero: none
	nackedTo    uint16    // missing packets up to here were NACKed
}

func newAssembler(mayStart func([]byte) bool) *assembler {
	return &assembler{slots: make([]slot, asmLen), mayStart: mayStart}
}

func (a *assembler) slot(seq uint16) *slot { return &a.slots[seq%asmLen] }

func (a *assembler) has(seq uint16) bool {
	sl := a.slot(seq)
	return sl.present && sl.seq == seq
}

// restart forgets everything and starts again at seq.
func (a *assembler) restart(seq uint16) {
	for i := range a.slots {
		a.slots[i].present = false
	}
	a.started = true
	a.next, a.high, a.nackedTo = seq, seq-1, seq-1
	a.resync, a.brokenKnown = true, false
	a.gapAt = time.Time{}
}

// insert stores one packet; false for a duplicate or one too late.
func (a *assembler) insert(seq uint16, ts uint32, marker bool, payload []byte) bool {
	if !a.started {
		a.restart(seq)
	}
	d := int16(seq - a.next)
	switch {
	case d >= asmLen || d < -asmLen:
		// Far ahead (a long loss, a hold) or far behind (a restarted
		// stream): what we hold is of no use any more.
		a.restart(seq)
		a.reset = true
	case d < 0:
		return false
	}
	sl := a.slot(seq)
	if sl.present && sl.seq == seq {
		return false
	}
	sl.n = copy(sl.buf[:], payload)
	sl.seq, sl.ts, sl.marker, sl.present = seq, ts, marker, true
	if int16(seq-a.high) > 0 {
		a.high = seq
	}
	return true
}

// pop says what is at the head: a whole frame (first..last, to be taken
// with take), a gap, or nothing yet.
func (a *assembler) pop() (kind popKind, first, last uint16) {
	if a.reset {
		a.reset = false
		return popReset, 0, 0
	}
	for a.started && int16(a.high-a.next) >= 0 {
		head := a.slot(a.next)
		if !a.has(a.next) {
			return popGap, 0, 0
		}
		if a.resync {
			if (a.brokenKnown && head.ts == a.brokenTS) || !a.mayStart(head.buf[:head.n]) {
				head.present = false
				a.next++
				continue
			}
			a.resync = false
		}
		for seq := a.next; ; seq++ {
			if !a.has(seq) {
				if int16(a.high-seq) < 0 {
					return popNone, 0, 0 // the rest has not come yet
				}
				return popGap, 0, 0
			}
			sl := a.slot(seq)
			if sl.ts != head.ts {
				// The marker was missing on a packet that came: end the
				// frame at the timestamp change.
				return popFrame, a.next, seq - 1
			}
			if sl.marker {
				return popFrame, a.next, seq
			}
		}
	}
	return popNone, 0, 0
}

// take frees a frame's packets once they are used.
func (a *assembler) take(last uint16) {
	for seq := a.next; seq != last+1; seq++ {
		a.slot(seq).present = false
	}
	a.next = last + 1
	a.gapAt = time.Time{}
}

// missing appends to dst the missing sequence numbers not yet NACKed.
func (a *assembler) missing(dst []uint16) []uint16 {
	from := a.next
	if int16(a.nackedTo-a.next) >= 0 {
		from = a.nackedTo + 1
	}
	for seq := from; int16(a.high-seq) > 0; seq++ {
		if !a.has(seq) {
			dst = append(dst, seq)
		}
	}
	a.nackedTo = a.high
	return dst
}

// giveUp drops the frame the head gap belongs to: its packets are skipped
// until one that can start a frame.
func (a *assembler) giveUp() {
	// The broken frame's timestamp, when one of its packets is surely
	// here: the head, or a continuation after the missing ones.
	a.brokenKnown = false
	for seq := a.next; int16(a.high-seq) >= 0; seq++ {
		if a.has(seq) {
			sl := a.slot(seq)
			a.brokenTS, a.brokenKnown = sl.ts, seq == a.next || !a.mayStart(sl.buf[:sl.n])
			break
		}
	}
	// Skip to the first packet after the first run of missing ones.
	for int16(a.high-a.next) >= 0 && a.has(a.next) {
		a.slot(a.next).present = false
		a.next++
	}
	for int16(a.high-a.next) >= 0 && !a.has(a.next) {
		a.next++
	}
	a.resync = true
	a.gapAt = time.Time{}
}
