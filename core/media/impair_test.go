package media

import (
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"time"
)

// simStream is what a simulated sender sends: one packet per frame, except
// for the frames Silent says are DTX silence (timestamps move on, sequence
// numbers do not, the next packet carries the marker).
type simStream struct {
	N       int // frames
	Seq     uint16
	TS      uint32
	FrameTS uint32
	Frame   time.Duration
	Silent  func(i int) bool
}

// netPath is a simulated one-way network. Same seed, same packets.
type netPath struct {
	Delay    time.Duration                          // fixed one-way delay
	Jitter   time.Duration                          // extra delay, uniform in [0, Jitter)
	JitterAt func(sent time.Duration) time.Duration // jitter over time, instead of Jitter
	Loss     float64
	Dup      float64 // a copy arrives up to 50 ms after the original
	Swap     float64 // a packet arrives just after its successor
	Drift    float64 // sender clock error: 0.005 runs 0.5 % fast
	Seed     uint64
}

// simPacket is one packet as sent, and when it arrives (if it does).
type simPacket struct {
	idx     int // frame index, also the payload, to see what was played
	seq     uint16
	ts      uint32
	marker  bool
	payload []byte
	sent    time.Duration
	at      time.Duration
	lost    bool
	dup     bool // a duplicate copy
}

// run returns the packets sent (by frame index; nil for silent frames)
// and the arrivals in time order.
func (p netPath) run(s simStream) (sent []*simPacket, arrivals []simPacket) {
	rng := rand.New(rand.NewPCG(p.Seed, 0x5eed))
	sent = make([]*simPacket, s.N)
	seq, marker := s.Seq, true
	for i := range s.N {
		if s.Silent != nil && s.Silent(i) {
			marker = true
			continue
		}
		pkt := &simPacket{
			idx: i, seq: seq, ts: s.TS + uint32(i)*s.FrameTS, marker: marker,
			payload: binary.BigEndian.AppendUint32(nil, uint32(i)),
			sent:    time.Duration(float64(time.Duration(i)*s.Frame) / (1 + p.Drift)),
		}
		seq++
		marker = false
		jit := p.Jitter
		if p.JitterAt != nil {
			jit = p.JitterAt(pkt.sent)
		}
		pkt.at = pkt.sent + p.Delay
		if jit > 0 {
			pkt.at += time.Duration(rng.Int64N(int64(jit)))
		}
		pkt.lost = rng.Float64() < p.Loss
		sent[i] = pkt
	}
	var prev *simPacket
	for _, pkt := range sent {
		if pkt == nil {
			continue
		}
		if prev != nil && rng.Float64() < p.Swap {
			prev.at = max(prev.at, pkt.at+time.Microsecond)
		}
		prev = pkt
	}
	for _, pkt := range sent {
		if pkt == nil || pkt.lost {
			continue
		}
		arrivals = append(arrivals, *pkt)
		if rng.Float64() < p.Dup {
			d := *pkt
			d.dup, d.at = true, d.at+time.Duration(rng.Int64N(int64(50*time.Millisecond)))
			arrivals = append(arrivals, d)
		}
	}
	slices.SortStableFunc(arrivals, func(a, b simPacket) int {
		return int(a.at - b.at)
	})
	return sent, arrivals
}

// simT0 is the simulated wall clock's origin.
var simT0 = time.Unix(1_700_000_000, 0)

// popRecord is one popped frame in a simulation.
type popRecord struct {
	now   time.Duration
	f     Frame
	idx   int // frame index of the payload played, or -1
	next  int // frame index of Next, or -1
	delay time.Duration
	st    JitterStats
}

// drive feeds arrivals to jb and pops one frame per frame period from
// popOffset on, for pops frames, calling each after every pop.
func drive(jb *JitterBuffer, arrivals []simPacket, pops int, frame, popOffset time.Duration, each func(k int, r popRecord)) {
	next := 0
	for k := range pops {
		now := popOffset + time.Duration(k)*frame
		for ; next < len(arrivals) && arrivals[next].at <= now; next++ {
			a := &arrivals[next]
			jb.Put(a.seq, a.ts, a.marker, a.payload, simT0.Add(a.at))
		}
		f := jb.Pop(simT0.Add(now))
		r := popRecord{now: now, f: f, idx: -1, next: -1}
		if f.Kind == FramePacket {
			r.idx = int(binary.BigEndian.Uint32(f.Payload))
		}
		if f.Next != nil {
			r.next = int(binary.BigEndian.Uint32(f.Next))
		}
		r.st = jb.Stats()
		r.delay = r.st.CurrentDelay
		each(k, r)
	}
}
