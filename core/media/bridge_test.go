package media

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/internal/testlab"
)

const bridgePeriod = 20 * time.Millisecond

// toneSource yields frames of a sine, continuing its phase.
type toneSource struct {
	rate int
	hz   float64
	amp  float64
	n    int
	buf  []int16
}

func newToneSource(rate int, hz, dBFS float64) *toneSource {
	return &toneSource{rate: rate, hz: hz, amp: 32767 * math.Pow(10, dBFS/20),
		buf: make([]int16, rate*int(bridgePeriod/time.Millisecond)/1000)}
}

func (s *toneSource) next() []int16 {
	for i := range s.buf {
		s.buf[i] = int16(math.Round(s.amp * math.Sin(2*math.Pi*s.hz*float64(s.n)/float64(s.rate))))
		s.n++
	}
	return s.buf
}

// newTestBridge is a bridge over a null device at rate, mixing at 48 kHz.
func newTestBridge(t *testing.T, rate int) *Bridge {
	t.Helper()
	dev, err := audio.NewNullDevice(audio.Format{SampleRate: rate, Channels: 1, Period: bridgePeriod})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	b, err := NewBridge(dev, 48000, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func legFormat(rate int) audio.Format {
	return audio.Format{SampleRate: rate, Channels: 1, Period: bridgePeriod}
}

// level is the power of hz in pcm's second half (past the resamplers'
// start-up), in dBFS.
func level(pcm []int16, rate int, hz float64) float64 {
	return testlab.DBFS(testlab.Goertzel(pcm[len(pcm)/2:], rate, hz))
}

// TestBridgeWhoHearsWhom drives the mix period by period as the loop
// would: three legs at 48, 8 and 16 kHz and a microphone at 16 kHz, each
// with its own tone at -20 dBFS. Each leg must hear the microphone and
// the other legs at their level, never itself; the speaker every leg and
// not the microphone. Then a leg leaves: the others stop hearing it.
func TestBridgeWhoHearsWhom(t *testing.T) {
	const devRate = 16000
	b := newTestBridge(t, devRate)
	rates := []int{48000, 8000, 16000}
	tones := []float64{700, 1000, 1300}
	const micHz = 400
	var ports []*Port
	closed := make(chan int, 3)
	for i, r := range rates {
		p, err := b.AddPort(legFormat(r), func() { closed <- i })
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, p)
	}
	mic := newToneSource(devRate, micHz, -20)
	srcs := make([]*toneSource, len(ports))
	heard := make([][]int16, len(ports))
	for i := range ports {
		srcs[i] = newToneSource(rates[i], tones[i], -20)
	}
	var speaker []int16
	run := func(periods int, active []int) {
		for range periods {
			for _, i := range active {
				if _, err := ports[i].WriteFrame(srcs[i].next()); err != nil {
					t.Fatal(err)
				}
			}
			b.cycle(mic.next())
			speaker = append(speaker, b.devOut...)
			for _, i := range active {
				buf := make([]int16, ports[i].Format().FrameSamples())
				if _, err := ports[i].ReadFrame(buf); err != nil {
					t.Fatal(err)
				}
				heard[i] = append(heard[i], buf...)
			}
		}
	}
	run(50, []int{0, 1, 2})
	check := func(who string, pcm []int16, rate int, want, not []float64) {
		t.Helper()
		for _, hz := range want {
			if l := level(pcm, rate, hz); l < -21 || l > -19 {
				t.Errorf("%s hears %.0f Hz at %.1f dBFS, want -20", who, hz, l)
			}
		}
		for _, hz := range not {
			if l := level(pcm, rate, hz); l > -60 {
				t.Errorf("%s hears %.0f Hz at %.1f dBFS, want nothing", who, hz, l)
			}
		}
	}
	check("the speaker", speaker, devRate, tones, []float64{micHz})
	check("leg 48k", heard[0], 48000, []float64{micHz, 1000, 1300}, []float64{700})
	check("leg 8k", heard[1], 8000, []float64{micHz, 700, 1300}, []float64{1000})
	check("leg 16k", heard[2], 16000, []float64{micHz, 700, 1000}, []float64{1300})
	for i, p := range ports {
		if st := p.Stats(); st != (PortStats{}) {
			t.Errorf("leg %d: %+v, want no concealment in lock-step", i, st)
		}
	}

	// The 8 kHz leg leaves.
	if err := ports[1].Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case i := <-closed:
		if i != 1 {
			t.Fatalf("onClose of leg %d ran", i)
		}
	case <-time.After(time.Second):
		t.Fatal("onClose did not run")
	}
	if b.Ports() != 2 {
		t.Fatalf("%d ports after one left, want 2", b.Ports())
	}
	if _, err := ports[1].WriteFrame(srcs[1].next()); !errors.Is(err, audio.ErrClosed) {
		t.Errorf("WriteFrame on a closed port: %v", err)
	}
	speaker, heard[0], heard[2] = nil, nil, nil
	run(50, []int{0, 2})
	check("the speaker after the 8k leg left", speaker, devRate, []float64{700, 1300}, []float64{micHz, 1000})
	check("leg 48k after the 8k leg left", heard[0], 48000, []float64{micHz, 1300}, []float64{700, 1000})
}

// TestBridgeMicMuted: muted, the microphone reaches no party, who still
// hear each other; the speaker is not affected.
func TestBridgeMicMuted(t *testing.T) {
	b := newTestBridge(t, 48000)
	p1, _ := b.AddPort(legFormat(48000), nil)
	p2, _ := b.AddPort(legFormat(8000), nil)
	mic, s1, s2 := newToneSource(48000, 400, -20), newToneSource(48000, 700, -20), newToneSource(8000, 1000, -20)
	b.SetMicMuted(true)
	var heard1, heard2, speaker []int16
	buf1, buf2 := make([]int16, 960), make([]int16, 160)
	for range 50 {
		_, _ = p1.WriteFrame(s1.next())
		_, _ = p2.WriteFrame(s2.next())
		b.cycle(mic.next())
		speaker = append(speaker, b.devOut...)
		_, _ = p1.ReadFrame(buf1)
		_, _ = p2.ReadFrame(buf2)
		heard1, heard2 = append(heard1, buf1...), append(heard2, buf2...)
	}
	if l := level(heard1, 48000, 400); l > -60 {
		t.Errorf("leg 1 hears the muted microphone at %.1f dBFS", l)
	}
	if l := level(heard2, 8000, 400); l > -60 {
		t.Errorf("leg 2 hears the muted microphone at %.1f dBFS", l)
	}
	if l := level(heard1, 48000, 1000); l < -21 {
		t.Errorf("leg 1 hears leg 2 at %.1f dBFS, want -20", l)
	}
	if l := level(heard2, 8000, 700); l < -21 {
		t.Errorf("leg 2 hears leg 1 at %.1f dBFS, want -20", l)
	}
	if l := level(speaker, 48000, 700); l < -21 {
		t.Errorf("the speaker has leg 1 at %.1f dBFS, want -20", l)
	}
}

// TestBridgeMixNoAllocs: a period of mixing, with resampling legs,
// allocates nothing once warmed up.
func TestBridgeMixNoAllocs(t *testing.T) {
	b := newTestBridge(t, 16000)
	var ports []*Port
	var srcs []*toneSource
	for _, r := range []int{8000, 16000, 48000} {
		p, err := b.AddPort(legFormat(r), nil)
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, p)
		srcs = append(srcs, newToneSource(r, 500, -10))
	}
	mic := newToneSource(16000, 300, -10)
	bufs := make([][]int16, len(ports))
	for i, p := range ports {
		bufs[i] = make([]int16, p.Format().FrameSamples())
	}
	period := func() {
		for i, p := range ports {
			_, _ = p.WriteFrame(srcs[i].next())
		}
		b.cycle(mic.next())
		for i, p := range ports {
			_, _ = p.ReadFrame(bufs[i])
		}
	}
	period() // resamplers size their history
	if allocs := testing.AllocsPerRun(100, period); allocs != 0 {
		t.Errorf("a period allocates %.1f times", allocs)
	}
}

// TestBridgeLateLegLosesNothing: a leg whose session misses its turn
// (scheduled late) and then delivers two frames at once is heard without
// a gap while its reserve lasts, and after running dry every one of its
// frames follows in order: none dropped, none repeated.
func TestBridgeLateLegLosesNothing(t *testing.T) {
	b := newTestBridge(t, 48000)
	p, err := b.AddPort(legFormat(48000), nil)
	if err != nil {
		t.Fatal(err)
	}
	silentMic := make([]int16, 960)
	frame := func(k int) []int16 {
		f := make([]int16, 960)
		for i := range f {
			f[i] = int16(100 * (k + 1))
		}
		return f
	}
	var got, silent []int
	next := 0
	for cycle := range 40 {
		writes := 1
		switch cycle {
		case 10, 20, 21:
			writes = 0 // late
		case 11, 22:
			writes = 2 // catches up
		case 23:
			writes = 2
		}
		for range writes {
			_, _ = p.WriteFrame(frame(next))
			next++
		}
		b.cycle(silentMic)
		v := int(b.devOut[0])
		for _, s := range b.devOut {
			if int(s) != v {
				t.Fatalf("cycle %d: a period mixes two frames (%d and %d)", cycle, v, s)
			}
		}
		if v != 0 {
			got = append(got, v/100-1)
		} else {
			silent = append(silent, cycle)
		}
	}
	if fmt.Sprint(silent) != "[0 21]" {
		t.Errorf("silent periods %v, want [0 21]: filling the reserve, then running dry once", silent)
	}
	for i, k := range got {
		if k != i {
			t.Fatalf("the speaker got frames %v: want each of 0..%d once, in order", got, len(got)-1)
		}
	}
	if queued := p.up.Len() / 960; len(got)+queued != next {
		t.Fatalf("the speaker got %d frames and %d are queued, of %d written", len(got), queued, next)
	}
	// One late period (10, 20) is absorbed by the reserve; two in a row
	// (20, 21) run the leg dry once.
	if st := p.Stats(); st.Underruns != 1 || st.Dropped != 0 {
		t.Errorf("stats %+v, want 1 underrun (cycle 21) and nothing dropped", st)
	}
}

// TestBridgeLoop runs the real loop over a paced null device with three
// session-like legs (read a frame, play a frame, like a session on a
// shared clock) for a second: every period mixed, no leg dropped or
// overrun. Then Stop hands the device back open.
func TestBridgeLoop(t *testing.T) {
	dev, err := audio.NewNullDevice(audio.Format{SampleRate: 48000, Channels: 1, Period: bridgePeriod})
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	b, err := NewBridge(dev, 0, func(err error) { t.Errorf("device error: %v", err) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var ports []*Port
	for i, r := range []int{8000, 16000, 48000} {
		p, err := b.AddPort(legFormat(r), nil)
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, p)
		src := newToneSource(r, float64(500+100*i), -20)
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]int16, p.Format().FrameSamples())
			for {
				if _, err := p.ReadFrame(buf); err != nil {
					return
				}
				if _, err := p.WriteFrame(src.next()); err != nil {
					return
				}
			}
		}()
	}
	b.Start()
	// The first periods may come back to back (the device's clock started
	// before the loop): late legs then are start-up, not steady state.
	time.Sleep(200 * time.Millisecond)
	warm := make([]PortStats, len(ports))
	for i, p := range ports {
		warm[i] = p.Stats()
	}
	time.Sleep(time.Second) // the measured window: periods mixed in real time
	got := b.Stop()
	if got != audio.Device(dev) {
		t.Fatal("Stop returned another device")
	}
	if _, err := b.AddPort(legFormat(8000), nil); err == nil {
		t.Error("AddPort after Stop: no error")
	}
	for _, p := range ports {
		p.Close()
	}
	wg.Wait()
	if c := b.Cycles(); c < 50 || c > 65 {
		t.Errorf("%d periods mixed in 1.2 s, want ~60", c)
	}
	for i, p := range ports {
		st := p.Stats()
		if st.Dropped != 0 || st.Overruns != 0 || st.Underruns != warm[i].Underruns {
			t.Errorf("leg %d: %+v (%+v at start-up), want no concealment in steady state", i, st, warm[i])
		}
	}
	// The device is still open: it reads.
	buf := make([]int16, 960)
	if _, err := dev.ReadFrame(buf); err != nil {
		t.Errorf("the device after Stop: %v", err)
	}
}

func TestBridgeRejectsOtherPeriods(t *testing.T) {
	b := newTestBridge(t, 48000)
	for _, f := range []audio.Format{
		{SampleRate: 8000, Channels: 1, Period: 30 * time.Millisecond},
		{SampleRate: 8000, Channels: 2, Period: bridgePeriod},
	} {
		if _, err := b.AddPort(f, nil); err == nil {
			t.Errorf("AddPort(%+v): no error", f)
		}
	}
}
