package media

import (
	"testing"
	"time"
)

const testFrame = 20 * time.Millisecond

func newTestJB() *JitterBuffer {
	return NewJitterBuffer(JitterConfig{ClockRate: 8000, FrameTS: 160, Frame: testFrame})
}

func testStream(n int) simStream {
	return simStream{N: n, Seq: 1000, TS: 5000, FrameTS: 160, Frame: testFrame}
}

// jbFigures sums up a simulated run after its warm-up.
type jbFigures struct {
	delayMean, delayMax time.Duration
	targetMin           time.Duration
	targetMax           time.Duration
	late                float64 // late packets / packets that arrived
	concealed           float64 // FrameLost / (FramePacket + FrameLost)
	gaps                float64 // FrameEmpty / pops, up to the last packet played
	st                  JitterStats
}

// simulate runs p over s and returns the figures after warm pops, and the
// pop records. Pops run 200 ms past the last frame so every packet is due.
func simulate(p netPath, s simStream, warm int, popOffset time.Duration) (jbFigures, []popRecord) {
	rate := int(int64(s.FrameTS) * int64(time.Second) / int64(s.Frame))
	jb := NewJitterBuffer(JitterConfig{ClockRate: rate, FrameTS: s.FrameTS, Frame: s.Frame})
	_, arrivals := p.run(s)
	var recs []popRecord
	var fig jbFigures
	var base JitterStats
	var sum time.Duration
	var n, packets, lost, empty, emptyAtLast, popsAtLast int
	drive(jb, arrivals, s.N+int(200*time.Millisecond/s.Frame), s.Frame, popOffset, func(k int, r popRecord) {
		recs = append(recs, r)
		if k == warm {
			base = r.st
			fig.targetMin, fig.targetMax = r.st.TargetDelay, r.st.TargetDelay
		}
		if k < warm {
			return
		}
		sum += r.delay
		n++
		fig.delayMax = max(fig.delayMax, r.delay)
		fig.targetMin = min(fig.targetMin, r.st.TargetDelay)
		fig.targetMax = max(fig.targetMax, r.st.TargetDelay)
		switch r.f.Kind {
		case FramePacket:
			packets++
			emptyAtLast, popsAtLast = empty, n
		case FrameLost:
			lost++
		default:
			empty++
		}
	})
	st := recs[len(recs)-1].st
	fig.st = st
	fig.delayMean = sum / time.Duration(max(n, 1))
	if arrived := (st.Received - base.Received) - (st.Duplicate - base.Duplicate); arrived > 0 {
		fig.late = float64(st.Late-base.Late) / float64(arrived)
	}
	fig.concealed = float64(lost) / float64(max(1, packets+lost))
	fig.gaps = float64(emptyAtLast) / float64(max(1, popsAtLast))
	return fig, recs
}

func TestJitterBufferPerfectNetwork(t *testing.T) {
	s := testStream(3000)
	for _, off := range []time.Duration{0, 7 * time.Millisecond, 19 * time.Millisecond} {
		_, recs := simulate(netPath{Delay: 30 * time.Millisecond}, s, 50, off)
		next := 0
		var st JitterStats
		var delayMax, delaySum time.Duration
		for k, r := range recs {
			if next == s.N {
				break // judge up to the last packet: then silence begins
			}
			st = r.st
			if k >= 50 {
				delayMax = max(delayMax, r.delay)
				delaySum += r.delay
			}
			switch r.f.Kind {
			case FramePacket:
				if r.idx != next {
					t.Fatalf("offset %v: played frame %d, want %d", off, r.idx, next)
				}
				next++
			case FrameLost:
				t.Fatalf("offset %v: FrameLost on a perfect network at %v", off, r.now)
			}
		}
		if next != s.N {
			t.Fatalf("offset %v: played %d frames, want %d", off, next, s.N)
		}
		if st.Lost+st.Late+st.Dropped+st.Inserted != 0 {
			t.Errorf("offset %v: stats %+v, want no loss, late, drop or insert", off, st)
		}
		mean := delaySum / time.Duration(s.N-50)
		if mean < 20*time.Millisecond || delayMax > 45*time.Millisecond {
			t.Errorf("offset %v: delay mean %v max %v, want within MinDelay + 1¼ frame", off, mean, delayMax)
		}
		t.Logf("pop phase %v: delay %v, target %v", off, mean, st.TargetDelay)
	}
}

// Every lost packet is concealed in its own slot with the next payload for
// FEC, except when its successor is lost too and has not yet arrived, which
// is an underrun (FrameEmpty).
func TestJitterBufferRandomLoss(t *testing.T) {
	s := testStream(5000)
	p := netPath{Delay: 30 * time.Millisecond, Loss: 0.05, Seed: 1}
	sent, _ := p.run(s)
	fig, recs := simulate(p, s, 0, 5*time.Millisecond)
	byTS := map[uint32]*simPacket{}
	nLost := 0
	for _, pkt := range sent {
		byTS[pkt.ts] = pkt
		if pkt.lost {
			nLost++
		}
	}
	var concealed, emptied int
	for _, r := range recs {
		pkt := byTS[r.f.TS]
		if pkt == nil {
			continue // before the first or after the last packet
		}
		following := (*simPacket)(nil)
		if pkt.idx+1 < len(sent) {
			following = sent[pkt.idx+1]
		}
		switch {
		case r.f.Kind == FrameLost && !pkt.lost:
			t.Fatalf("frame %d concealed but it was not lost", pkt.idx)
		case r.f.Kind == FrameLost:
			concealed++
			if following != nil && !following.lost && r.next != following.idx {
				t.Fatalf("frame %d: Next = %d, want %d", pkt.idx, r.next, following.idx)
			}
			if (following == nil || following.lost) && r.f.Next != nil {
				t.Fatalf("frame %d: Next set though the next packet was lost", pkt.idx)
			}
		case pkt.lost && r.f.Kind == FrameEmpty:
			emptied++
			if following != nil && !following.lost {
				t.Fatalf("frame %d lost but FrameEmpty while its successor was there", pkt.idx)
			}
		case pkt.lost:
			t.Fatalf("frame %d lost but played", pkt.idx)
		}
	}
	if concealed+emptied != nLost || fig.st.Lost != uint64(concealed) {
		t.Errorf("lost %d: concealed %d + underrun %d, stats %d", nLost, concealed, emptied, fig.st.Lost)
	}
	if fig.st.Inserted+fig.st.Dropped+fig.st.Late != 0 {
		t.Errorf("stats %+v: no insert, drop or late expected", fig.st)
	}
	t.Logf("5%% loss: %d lost, %d concealed (FrameLost), %d underruns (two in a row lost), delay %v",
		nLost, concealed, emptied, fig.delayMean)
}

func TestJitterBufferJitter40ms(t *testing.T) {
	s := testStream(6000) // 2 minutes
	p := netPath{Delay: 30 * time.Millisecond, Jitter: 40 * time.Millisecond, Seed: 2}
	fig, _ := simulate(p, s, 250, 3*time.Millisecond) // converged after 5 s
	if fig.late >= 0.01 {
		t.Errorf("late rate %.2f%% after convergence, want < 1%%", 100*fig.late)
	}
	if fig.targetMin < 20*time.Millisecond || fig.targetMax > 300*time.Millisecond {
		t.Errorf("target %v..%v out of bounds", fig.targetMin, fig.targetMax)
	}
	if fig.delayMean > 80*time.Millisecond {
		t.Errorf("delay %v: far more than 40 ms jitter needs", fig.delayMean)
	}
	t.Logf("40 ms jitter: delay mean %v max %v, target %v..%v, late %.2f%%, concealed %.2f%%, inserted %d dropped %d, RFC 3550 jitter %v",
		fig.delayMean, fig.delayMax, fig.targetMin, fig.targetMax, 100*fig.late, 100*fig.concealed,
		fig.st.Inserted, fig.st.Dropped, fig.st.Jitter)
}

func TestJitterBufferReorderAdjacent(t *testing.T) {
	s := testStream(3000)
	p := netPath{Delay: 30 * time.Millisecond, Swap: 0.05, Seed: 3}
	fig, recs := simulate(p, s, 0, 0)
	next := 0
	for _, r := range recs {
		if r.f.Kind == FrameLost {
			t.Fatalf("FrameLost at %v with reordering only", r.now)
		}
		if r.f.Kind == FramePacket {
			if r.idx != next {
				t.Fatalf("played %d, want %d", r.idx, next)
			}
			next++
		}
	}
	if next != s.N || fig.st.Late != 0 || fig.st.Reordered == 0 {
		t.Errorf("played %d of %d, stats %+v", next, s.N, fig.st)
	}
	t.Logf("adjacent swaps: %d reordered, none late or lost, delay %v", fig.st.Reordered, fig.delayMean)
}

func TestJitterBufferDuplicates(t *testing.T) {
	s := testStream(3000)
	p := netPath{Delay: 30 * time.Millisecond, Dup: 0.1, Seed: 4}
	_, arrivals := p.run(s)
	dups := 0
	for _, a := range arrivals {
		if a.dup {
			dups++
		}
	}
	fig, recs := simulate(p, s, 0, 0)
	played := make([]int, s.N)
	for _, r := range recs {
		if r.idx >= 0 {
			played[r.idx]++
		}
	}
	for i, c := range played {
		if c != 1 {
			t.Fatalf("frame %d played %d times", i, c)
		}
	}
	if fig.st.Duplicate != uint64(dups) || fig.st.Lost != 0 {
		t.Errorf("duplicates counted %d, sent %d; stats %+v", fig.st.Duplicate, dups, fig.st)
	}
}

func TestJitterBufferWrapAround(t *testing.T) {
	s := simStream{N: 400, Seq: 65500, TS: 1<<32 - 100*160 - 37, FrameTS: 160, Frame: testFrame}
	p := netPath{Delay: 25 * time.Millisecond, Jitter: 10 * time.Millisecond, Swap: 0.05, Seed: 5}
	fig, recs := simulate(p, s, 0, 0)
	next := 0
	for _, r := range recs {
		if r.f.Kind == FramePacket {
			if r.idx != next || r.f.TS != s.TS+uint32(r.idx)*160 {
				t.Fatalf("played %d ts %d, want %d ts %d", r.idx, r.f.TS, next, s.TS+uint32(next)*160)
			}
			next++
		}
	}
	if fig.st.Lost != 0 || fig.st.Late != 0 {
		t.Errorf("stats %+v", fig.st)
	}
	if next < s.N-1 { // one frame may be dropped to adapt
		t.Errorf("played %d of %d across the wrap", next, s.N)
	}
}

// DTX: timestamps jump over silence, sequence numbers do not. That is
// FrameEmpty, never FrameLost.
func TestJitterBufferSilence(t *testing.T) {
	s := testStream(3000)
	s.Silent = func(i int) bool { return i%100 >= 60 } // 1.2 s talk, 0.8 s silence
	p := netPath{Delay: 30 * time.Millisecond, Jitter: 30 * time.Millisecond, Seed: 6}
	fig, recs := simulate(p, s, 0, 0)
	for _, r := range recs {
		if r.f.Kind == FrameLost && r.f.Next != nil {
			t.Fatalf("FrameLost with Next at %v: nothing is lost", r.now)
		}
	}
	if fig.st.Lost != 0 {
		t.Errorf("stats %+v: silence reported as loss", fig.st)
	}
	if want := uint64(s.N * 60 / 100); fig.st.Played+fig.st.Late+fig.st.Dropped < want {
		t.Errorf("played %d + late %d + dropped %d, sent %d", fig.st.Played, fig.st.Late, fig.st.Dropped, want)
	}
	t.Logf("DTX with 30 ms jitter: delay %v, late %.2f%%, inserted %d dropped %d",
		fig.delayMean, 100*fig.late, fig.st.Inserted, fig.st.Dropped)
}

// With silence to work in, drift is made up there: no packet is dropped and
// no frame concealed.
func TestJitterBufferDriftInSilence(t *testing.T) {
	for _, drift := range []float64{0.005, -0.005} {
		s := testStream(int(2 * time.Minute / testFrame))
		s.Silent = func(i int) bool { return i%150 >= 100 } // 2 s talk, 1 s silence
		p := netPath{Delay: 30 * time.Millisecond, Drift: drift, Seed: 10}
		sent, _ := p.run(s)
		fig, recs := simulate(p, s, 0, 0)
		n := 0
		for _, pkt := range sent {
			if pkt != nil {
				n++
			}
		}
		for _, r := range recs {
			if r.f.Kind == FrameLost {
				t.Fatalf("drift %+.1f%%: FrameLost at %v", 100*drift, r.now)
			}
		}
		if fig.st.Played != uint64(n) || fig.st.Dropped+fig.st.Inserted < 25 {
			t.Errorf("drift %+.1f%%: played %d of %d, stats %+v", 100*drift, fig.st.Played, n, fig.st)
		}
		if fig.delayMax > 60*time.Millisecond {
			t.Errorf("drift %+.1f%%: delay up to %v", 100*drift, fig.delayMax)
		}
		t.Logf("drift %+.1f%% with DTX: all %d packets played, %d silent slots skipped, %d added, delay ≤ %v",
			100*drift, n, fig.st.Dropped, fig.st.Inserted, fig.delayMax)
	}
}

// A device that asks for three frames at once every 60 ms must not make
// the buffer drop and insert frames.
func TestJitterBufferBurstyPops(t *testing.T) {
	s := testStream(3000)
	_, arrivals := netPath{Delay: 30 * time.Millisecond, Jitter: 10 * time.Millisecond, Seed: 12}.run(s)
	jb := newTestJB()
	next := 0
	for k := range s.N {
		now := time.Duration(k/3) * 3 * testFrame // pops 0, 0, 0, 60, 60, 60, …
		for ; next < len(arrivals) && arrivals[next].at <= now; next++ {
			a := &arrivals[next]
			jb.Put(a.seq, a.ts, a.marker, a.payload, simT0.Add(a.at))
		}
		jb.Pop(simT0.Add(now))
	}
	st := jb.Stats()
	if st.Late != 0 || st.Lost != 0 || st.Dropped+st.Inserted > 4 {
		t.Errorf("stats %+v", st)
	}
	t.Logf("pops in bursts of 3: delay %v, inserted %d, dropped %d", st.CurrentDelay, st.Inserted, st.Dropped)
}
