package media

import (
	"sync"
	"testing"
	"time"
)

// TestJitterBufferFigures logs delay, late and concealment figures for the
// scenarios the design is judged by (2 minutes each, after 5 s warm-up).
func TestJitterBufferFigures(t *testing.T) {
	opus := simStream{N: 6000, Seq: 40000, TS: 123456789, FrameTS: 960, Frame: testFrame}
	for _, sc := range []struct {
		name string
		p    netPath
		s    simStream
	}{
		{"0% loss, no jitter", netPath{}, testStream(6000)},
		{"0% loss, 40 ms jitter", netPath{Jitter: 40 * time.Millisecond}, testStream(6000)},
		{"5% loss, 40 ms jitter", netPath{Loss: 0.05, Jitter: 40 * time.Millisecond}, testStream(6000)},
		{"15% loss, no jitter", netPath{Loss: 0.15}, testStream(6000)},
		{"15% loss, 40 ms jitter", netPath{Loss: 0.15, Jitter: 40 * time.Millisecond}, testStream(6000)},
		{"48 kHz 5% loss, 40 ms", netPath{Loss: 0.05, Jitter: 40 * time.Millisecond}, opus},
	} {
		sc.p.Delay, sc.p.Seed = 30*time.Millisecond, 11
		fig, _ := simulate(sc.p, sc.s, 250, 3*time.Millisecond)
		t.Logf("%-24s delay mean %5.1f ms max %5.1f ms, target %v..%v, late %.2f%%, concealed %5.2f%%, underrun gaps %.2f%% (lost %d, inserted %d, dropped %d)",
			sc.name, ms(fig.delayMean), ms(fig.delayMax), fig.targetMin, fig.targetMax,
			100*fig.late, 100*fig.concealed, 100*fig.gaps, fig.st.Lost, fig.st.Inserted, fig.st.Dropped)
		if fig.late >= 0.01 {
			t.Errorf("%s: late %.2f%%", sc.name, 100*fig.late)
		}
		// Concealment may not exceed the loss by much: late packets and
		// inserted frames are the difference.
		if fig.concealed > sc.p.Loss+0.01 {
			t.Errorf("%s: concealed %.2f%% for %.0f%% loss", sc.name, 100*fig.concealed, 100*sc.p.Loss)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func TestJitterBufferNoAllocs(t *testing.T) {
	jb := newTestJB()
	payload := make([]byte, 160)
	i := 0
	step := func() {
		at := simT0.Add(time.Duration(i) * testFrame)
		if i%20 != 7 { // some loss, so the FrameLost path runs too
			jb.Put(uint16(i), uint32(i*160), false, payload, at.Add(30*time.Millisecond))
		}
		jb.Pop(at)
		jb.Stats()
		i++
	}
	for range 200 {
		step()
	}
	if a := testing.AllocsPerRun(1000, step); a != 0 {
		t.Errorf("%v allocations per Put+Pop", a)
	}
}

// Put and Pop come from the network and the audio goroutines.
func TestJitterBufferConcurrent(t *testing.T) {
	jb := newTestJB()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := range 2000 {
			jb.Put(uint16(i), uint32(i*160), i == 0, []byte{byte(i)}, simT0.Add(time.Duration(i)*testFrame))
		}
	}()
	go func() {
		defer wg.Done()
		for k := range 2000 {
			f := jb.Pop(simT0.Add(time.Duration(k) * testFrame))
			_ = len(f.Payload)
			_ = jb.Stats()
		}
	}()
	wg.Wait()
	if st := jb.Stats(); st.Received != 2000 {
		t.Errorf("stats %+v", st)
	}
}

// BenchmarkJitterBufferPutPop is one packet in and one frame out, steady
// state, with some jitter and reordering.
func BenchmarkJitterBufferPutPop(b *testing.B) {
	s := testStream(1 << 14)
	_, arrivals := netPath{Delay: 30 * time.Millisecond, Jitter: 30 * time.Millisecond, Swap: 0.02, Seed: 9}.run(s)
	jb := newTestJB()
	period := time.Duration(len(arrivals)) * testFrame
	next, k := 0, 0
	b.ReportAllocs()
	for b.Loop() {
		// Replay the capture again and again, shifted by its length.
		lap := time.Duration(k/len(arrivals)) * period
		a := &arrivals[next]
		jb.Put(a.seq, a.ts+uint32(k/len(arrivals)*len(arrivals)*160), a.marker, a.payload, simT0.Add(lap+a.at))
		jb.Pop(simT0.Add(lap + time.Duration(next)*testFrame))
		if next++; next == len(arrivals) {
			next = 0
		}
		k++
	}
}
