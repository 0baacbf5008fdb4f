package media

import (
	"fmt"
	"testing"
	"time"
)

// A sender clock ±0.5 % off for 10 minutes would move the buffer by 3 s;
// the buffer must drop or insert frames to stay near target.
func TestJitterBufferDrift(t *testing.T) {
	for _, drift := range []float64{0.005, -0.005} {
		t.Run(fmt.Sprintf("%+.1f%%", 100*drift), func(t *testing.T) {
			s := testStream(int(10 * time.Minute / testFrame))
			p := netPath{Delay: 40 * time.Millisecond, Jitter: 20 * time.Millisecond, Drift: drift, Seed: 7}
			// A fast sender sends its last frame early, a slow one late: pop
			// on a fixed count past the end either way.
			s.N = int(float64(s.N) * (1 - 0.01))
			fig, recs := simulate(p, s, 500, 0)
			if fig.delayMax > 120*time.Millisecond || fig.delayMean > 80*time.Millisecond {
				t.Errorf("delay mean %v max %v: not held near target %v", fig.delayMean, fig.delayMax, fig.st.TargetDelay)
			}
			if fig.late > 0.01 {
				t.Errorf("late %.2f%%", 100*fig.late)
			}
			// The frames added or taken out make up for the drift: 0.5 % of
			// the frames played.
			want := int64(drift * float64(s.N))
			got := int64(fig.st.Dropped) - int64(fig.st.Inserted)
			if got < want-20 || got > want+20 {
				t.Errorf("dropped−inserted = %d, want ≈ %d", got, want)
			}
			// The level must not creep: compare the first and last minute.
			first, last := meanDelay(recs[500:3500]), meanDelay(recs[len(recs)-3000:])
			if d := last - first; d > 10*time.Millisecond || d < -10*time.Millisecond {
				t.Errorf("delay went from %v to %v", first, last)
			}
			t.Logf("drift %+.1f%% over %v: delay mean %v max %v (first minute %v, last %v), dropped %d inserted %d, late %.2f%%, concealed %.3f%%",
				100*drift, time.Duration(s.N)*testFrame, fig.delayMean, fig.delayMax, first, last,
				fig.st.Dropped, fig.st.Inserted, 100*fig.late, 100*fig.concealed)
		})
	}
}

func meanDelay(recs []popRecord) time.Duration {
	var sum time.Duration
	for _, r := range recs {
		sum += r.delay
	}
	return sum / time.Duration(len(recs))
}

// Jitter steps from 0 to 60 ms for 10 s, then back: the target follows
// within a second, and comes down over several.
func TestJitterBufferJitterStep(t *testing.T) {
	up, down := 10*time.Second, 20*time.Second
	s := testStream(int(40 * time.Second / testFrame))
	p := netPath{Delay: 30 * time.Millisecond, Seed: 8, JitterAt: func(sent time.Duration) time.Duration {
		if sent >= up && sent < down {
			return 60 * time.Millisecond
		}
		return 0
	}}
	fig, recs := simulate(p, s, 0, 0)
	var grown, shrunk time.Duration = -1, -1
	var peak time.Duration
	for _, r := range recs {
		tgt := r.st.TargetDelay
		peak = max(peak, tgt)
		if grown < 0 && r.now >= up && tgt >= 55*time.Millisecond {
			grown = r.now - up
		}
		if shrunk < 0 && r.now >= down && tgt <= 25*time.Millisecond {
			shrunk = r.now - down
		}
	}
	if grown < 0 || grown > time.Second {
		t.Errorf("target reached 55 ms %v after the step up, want within 1 s", grown)
	}
	if shrunk < 2*time.Second || shrunk > 15*time.Second {
		t.Errorf("target back to 25 ms %v after the step down, want over several seconds", shrunk)
	}
	// The delay itself follows the target: no late packets a second after the step.
	var lateAfter uint64
	for _, r := range recs {
		if r.now == up {
			lateAfter = r.st.Late
		}
		if r.now == up+time.Second {
			lateAfter = r.st.Late - lateAfter
			break
		}
	}
	t.Logf("jitter step 0→60→0 ms: target peak %v, grew to 55 ms in %v, back to 25 ms in %v; late in the first second %d, overall %.2f%%; delay at end %v",
		peak, grown, shrunk, lateAfter, 100*fig.late, recs[len(recs)-1].delay)
}

// A timestamp jump without an SSRC change (a sender restart, a mixer)
// restarts the buffer instead of waiting out or discarding the gap.
func TestJitterBufferTimestampJump(t *testing.T) {
	for _, tc := range []struct {
		name      string
		seq       uint16
		ts        uint32
		resumeMax time.Duration // to the first new packet played
	}{
		{"ts forward 10 s", 0, 10 * 8000, 100 * time.Millisecond},
		{"ts back 10 s", 0, -10 * 8000 & 0xffffffff, 350 * time.Millisecond},
		{"seq jump", 30000, 0, 100 * time.Millisecond},
		{"both random", 12345, 0x9abcdef0, 100 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			jb := newTestJB()
			at := func(i int) time.Time { return simT0.Add(30*time.Millisecond + time.Duration(i)*testFrame) }
			var resumed time.Duration = -1
			for k := range 200 {
				if k < 200 {
					seq, ts := uint16(k), uint32(k*160)
					if k >= 100 {
						seq, ts = seq+tc.seq, ts+tc.ts
					}
					jb.Put(seq, ts, k == 0 || k == 100, []byte{byte(k)}, at(k))
				}
				now := simT0.Add(time.Duration(k) * testFrame)
				f := jb.Pop(now)
				if resumed < 0 && f.Kind == FramePacket && f.Payload[0] >= 100 {
					resumed = now.Sub(at(100))
				}
			}
			if resumed < 0 || resumed > tc.resumeMax {
				t.Errorf("new timeline played %v after it began, want within %v", resumed, tc.resumeMax)
			}
			st := jb.Stats()
			if st.CurrentDelay > 60*time.Millisecond {
				t.Errorf("delay %v after the jump", st.CurrentDelay)
			}
			t.Logf("%s: playing again after %v, delay %v, stats %+v", tc.name, resumed, st.CurrentDelay, st)
		})
	}
}

// The playout stalls (device hiccup) while packets keep coming: the buffer
// must not come back with seconds of delay.
func TestJitterBufferPlayoutStall(t *testing.T) {
	jb := newTestJB()
	arrive := func(i int) time.Time { return simT0.Add(30*time.Millisecond + time.Duration(i)*testFrame) }
	next := 0
	for k := range 500 {
		now := simT0.Add(time.Duration(k) * testFrame)
		for ; !arrive(next).After(now); next++ {
			jb.Put(uint16(next), uint32(next*160), next == 0, []byte{byte(next)}, arrive(next))
		}
		if k >= 100 && k < 200 {
			continue // no pops for 2 s
		}
		jb.Pop(now)
	}
	st := jb.Stats()
	if st.CurrentDelay > 60*time.Millisecond {
		t.Errorf("delay %v after a 2 s playout stall, stats %+v", st.CurrentDelay, st)
	}
	t.Logf("after a 2 s playout stall: delay %v, dropped %d", st.CurrentDelay, st.Dropped)
}

// Packets stop (network outage), then resume: the ones that were late are
// dropped, the rest play with the delay unchanged.
func TestJitterBufferNetworkStall(t *testing.T) {
	s := testStream(1000)
	_, arrivals := netPath{Delay: 30 * time.Millisecond}.run(s)
	for i := range arrivals {
		if a := &arrivals[i]; a.at > 5*time.Second && a.at < 6*time.Second {
			a.at = 6 * time.Second // a 1 s stall, then a burst
		}
	}
	jb := newTestJB()
	var recs []popRecord
	drive(jb, arrivals, s.N+10, testFrame, 0, func(_ int, r popRecord) { recs = append(recs, r) })
	st := recs[len(recs)-1].st
	if st.Late < 40 || st.Late > 52 {
		t.Errorf("late %d, want the ~50 packets of the stall", st.Late)
	}
	if d := recs[len(recs)-1].delay; d > 60*time.Millisecond {
		t.Errorf("delay %v after the stall", d)
	}
	t.Logf("1 s outage: late %d lost-concealed %d, delay after %v, stats %+v", st.Late, st.Lost, recs[len(recs)-1].delay, st)
}

func TestJitterBufferReset(t *testing.T) {
	jb := newTestJB()
	for i := range 10 {
		jb.Put(uint16(i), uint32(i*160), false, []byte{1}, simT0.Add(time.Duration(i)*testFrame))
	}
	jb.Reset()
	if f := jb.Pop(simT0.Add(time.Second)); f.Kind != FrameEmpty {
		t.Fatalf("after Reset: %v", f.Kind)
	}
	// The new stream's numbers overlap the old: none is a duplicate.
	for i := range 10 {
		jb.Put(uint16(i), uint32(7+i*160), false, []byte{2}, simT0.Add(time.Second+time.Duration(i)*testFrame))
	}
	if st := jb.Stats(); st.Duplicate != 0 || st.Received != 20 {
		t.Errorf("stats %+v", st)
	}
	var f Frame
	for k := 0; f.Kind != FramePacket && k < 10; k++ {
		f = jb.Pop(simT0.Add(time.Second + time.Duration(k)*testFrame))
	}
	if f.Kind != FramePacket || f.Payload[0] != 2 || f.TS != 7 {
		t.Errorf("first frame after Reset %+v", f)
	}
}

func TestJitterBufferEmpty(t *testing.T) {
	jb := NewJitterBuffer(JitterConfig{})
	for k := range 5 {
		if f := jb.Pop(simT0.Add(time.Duration(k) * testFrame)); f.Kind != FrameEmpty || f.Payload != nil {
			t.Fatalf("pop %d on an empty buffer: %+v", k, f)
		}
	}
	if st := jb.Stats(); st.TargetDelay != 20*time.Millisecond {
		t.Errorf("default target %v", st.TargetDelay)
	}
}

// Stalls that recur (Wi-Fi scans) are covered once seen twice.
func TestJitterBufferRecurrentStalls(t *testing.T) {
	s := testStream(1500)
	_, arrivals := netPath{Delay: 30 * time.Millisecond}.run(s)
	for i := range arrivals {
		a := &arrivals[i]
		if ph := a.at % (3 * time.Second); ph > time.Second && ph < time.Second+150*time.Millisecond {
			a.at += time.Second + 150*time.Millisecond - ph // 150 ms stall every 3 s
		}
	}
	jb := newTestJB()
	var recs []popRecord
	drive(jb, arrivals, s.N+10, testFrame, 0, func(_ int, r popRecord) { recs = append(recs, r) })
	lateBy := func(at time.Duration) uint64 { return recs[at/testFrame].st.Late }
	first, later := lateBy(3*time.Second), lateBy(30*time.Second)-lateBy(9*time.Second)
	if later > 2 {
		t.Errorf("late %d in the first stall, %d in the 7 stalls after the third", first, later)
	}
	t.Logf("150 ms stall every 3 s: late %d in the first stall, %d in 7 stalls once learnt; target %v delay %v",
		first, later, recs[len(recs)-1].st.TargetDelay, recs[len(recs)-1].delay)
}
