package plc

import (
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec/internal/codectest"
)

// voiced is a vowel-like test signal: harmonics of f0 falling off as 1/k,
// up to 3.4 kHz, peaking near ±8000.
func voiced(rate int, f0 float64, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		t := float64(i) / float64(rate)
		var v float64
		for k := 1; float64(k)*f0 < 3400; k++ {
			v += math.Sin(2*math.Pi*f0*float64(k)*t+float64(k)) / float64(k)
		}
		out[i] = int16(3000 * v)
	}
	return out
}

// maxStep is the largest jump between neighbouring samples.
func maxStep(x []int16) int {
	m := 0
	for i := 1; i < len(x); i++ {
		d := int(x[i]) - int(x[i-1])
		m = max(m, d, -d)
	}
	return m
}

// run passes sig through a Concealer in frames of frame samples, losing
// the frames for which lose says so, and returns the output.
func run(t testing.TB, rate, frame int, sig []int16, lose func(int) bool) []int16 {
	c, err := New(rate)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int16, len(sig))
	for f := 0; (f+1)*frame <= len(sig); f++ {
		o := out[f*frame : (f+1)*frame]
		if lose(f) {
			c.Conceal(o)
			continue
		}
		copy(o, sig[f*frame:])
		c.Good(o)
	}
	return out
}

func TestFindPitch(t *testing.T) {
	for _, rate := range []int{8000, 16000, 48000} {
		for _, f0 := range []float64{100, 125, 160} {
			x := voiced(rate, f0, rate/10)
			c, _ := New(rate)
			c.push(x)
			got := findPitch(c.hist, c.minP, c.maxP, c.corrLen, max(1, c.minP/20))
			want := float64(rate) / f0
			// A multiple of the period is as good a repetition.
			k := math.Round(float64(got) / want)
			if k < 1 || math.Abs(float64(got)-k*want) > 1 {
				t.Errorf("%d Hz, f0 %.0f: pitch %d, want a multiple of %.1f", rate, f0, got, want)
			}
		}
	}
}

func TestConcealQuality(t *testing.T) {
	for _, rate := range []int{8000, 16000} {
		frame := rate / 50
		sig := voiced(rate, 130, 10*frame)
		lost := func(f int) bool { return f == 5 }
		out := run(t, rate, frame, sig, lost)
		gap := sig[5*frame : 6*frame]
		s := codectest.SNR(gap, out[5*frame:6*frame])
		// Repeating the last frame as is, the naive alternative.
		naive := codectest.SNR(gap, sig[4*frame:5*frame])
		t.Logf("%d Hz: concealed 20 ms SNR %.1f dB (frame repeat %.1f dB, silence 0 dB)", rate, s, naive)
		if s < 6 || s < naive {
			t.Errorf("%d Hz: concealment SNR %.1f dB, want ≥ 6 and ≥ frame repeat %.1f", rate, s, naive)
		}
		// No clicks: joins no steeper than the signal itself.
		around := out[5*frame-4*frame/10 : 6*frame+4*frame/10]
		if got, lim := maxStep(around), maxStep(sig)*5/4; got > lim {
			t.Errorf("%d Hz: step %d across the loss, signal's own max %d", rate, got, lim)
		}
	}
}

func TestConcealFadesOut(t *testing.T) {
	const rate, frame = 8000, 80
	sig := voiced(rate, 120, 20*frame)
	out := run(t, rate, frame, sig, func(f int) bool { return f >= 6 && f < 14 })
	ref := codectest.RMS(sig[5*frame : 6*frame])
	prev := math.Inf(1)
	for f := 6; f < 14; f++ {
		r := codectest.RMS(out[f*frame:(f+1)*frame]) / ref
		t.Logf("lost 10 ms #%d: level %.2f", f-5, r)
		switch {
		case f == 6 && r < 0.7:
			t.Errorf("first 10 ms should keep the level, got %.2f", r)
		case f >= 12 && r != 0:
			t.Errorf("after 60 ms should be silent, got %.2f", r)
		case f > 6 && r > prev+0.05:
			t.Errorf("level should not rise during a loss: %.2f after %.2f", r, prev)
		}
		prev = r
	}
	// Back after silence: the good frame fades in from zero.
	if out[14*frame] != 0 && abs(int(out[14*frame])) > abs(int(sig[14*frame]))/5+1 {
		t.Errorf("first sample after a long loss %d, want a fade in from 0 (real %d)", out[14*frame], sig[14*frame])
	}
	if got, want := out[15*frame:], sig[15*frame:]; codectest.SNR(want, got) < 90 {
		t.Errorf("second good frame after the loss was changed")
	}
}

func abs(x int) int { return max(x, -x) }

func TestGoodUntouchedWithoutLoss(t *testing.T) {
	sig := voiced(16000, 150, 3200)
	out := run(t, 16000, 320, sig, func(int) bool { return false })
	for i := range sig {
		if out[i] != sig[i] {
			t.Fatalf("sample %d changed without a loss", i)
		}
	}
}

func TestConcealBeforeAnyAudio(t *testing.T) {
	c, _ := New(8000)
	pcm := make([]int16, 160)
	c.Conceal(pcm)
	for _, v := range pcm {
		if v != 0 {
			t.Fatal("concealment from an empty history should be silence")
		}
	}
	if !c.Concealing() {
		t.Fatal("Concealing false after Conceal")
	}
}

func TestNewRejectsRate(t *testing.T) {
	if _, err := New(1000); err == nil {
		t.Fatal("New(1000) succeeded")
	}
}

func TestNoAllocs(t *testing.T) {
	c, _ := New(16000)
	sig := voiced(16000, 120, 320)
	pcm := make([]int16, 320)
	allocs := testing.AllocsPerRun(50, func() {
		copy(pcm, sig)
		c.Good(pcm)
		c.Conceal(pcm)
	})
	if allocs != 0 {
		t.Fatalf("%v allocs per frame", allocs)
	}
}

func BenchmarkConceal20ms(b *testing.B) {
	for _, rate := range []int{8000, 16000} {
		b.Run(rateName(rate), func(b *testing.B) {
			c, _ := New(rate)
			sig := voiced(rate, 120, rate/50)
			pcm := make([]int16, len(sig))
			b.ReportAllocs()
			for b.Loop() {
				// A fresh loss each time: the pitch search is the cost.
				copy(pcm, sig)
				c.Good(pcm)
				c.Conceal(pcm)
			}
		})
	}
}

func rateName(rate int) string {
	if rate == 8000 {
		return "8kHz"
	}
	return "16kHz"
}

func TestUnfadedAndAhead(t *testing.T) {
	const rate = 16000
	c, _ := New(rate)
	sig := voiced(rate, 125, 640)
	c.Good(sig)
	pcm, unf := make([]int16, 80), make([]int16, 80)
	pre := []int16{1, 2}
	if c.Ahead(pre); pre[0] != 0 || pre[1] != 0 {
		t.Fatal("Ahead outside a loss is not silence")
	}
	c.ConcealUnfaded(pcm, unf)
	for i := range pcm {
		if pcm[i] != unf[i] {
			t.Fatalf("sample %d: %d faded, %d unfaded within the first 10 ms", i, pcm[i], unf[i])
		}
	}
	ahead := make([]int16, 22)
	c.Ahead(ahead)
	c.ConcealUnfaded(pcm, unf)
	for i := range ahead {
		if ahead[i] != unf[i] {
			t.Fatalf("sample %d: Ahead %d, then Conceal %d", i, ahead[i], unf[i])
		}
	}
	// Past the first 10 ms the output fades but the unfaded copy does not.
	c.ConcealUnfaded(pcm, unf)
	var ep, eu float64
	for i := range pcm {
		ep += float64(pcm[i]) * float64(pcm[i])
		eu += float64(unf[i]) * float64(unf[i])
	}
	if ep >= eu*0.9 {
		t.Fatalf("no fade: energy %.0f faded vs %.0f unfaded", ep, eu)
	}
}
