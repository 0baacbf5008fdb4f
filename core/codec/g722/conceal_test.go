package g722

import (
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec/internal/codectest"
)

// vowel is a voiced test signal: harmonics of f0 up to 7 kHz falling off
// as 1/k, with a 5 Hz vibrato of the given depth so it is not exactly
// periodic, as speech is not.
func vowel(f0, vibrato float64, n int) []int16 {
	out := make([]int16, n)
	var ph float64
	for i := range out {
		t := float64(i) / SampleRate
		f := f0 * (1 + vibrato*math.Sin(2*math.Pi*5*t))
		ph += 2 * math.Pi * f / SampleRate
		var v float64
		for k := 1; float64(k)*f0 < 7000; k++ {
			v += math.Sin(float64(k)*ph+float64(k)) / float64(k)
		}
		out[i] = int16(3000 * v)
	}
	return out
}

// lossRun decodes sig's coded frames with the frames in lost concealed
// and returns that output and the clean decode.
func lossRun(t testing.TB, sig []int16, lost map[int]bool) (got, clean []int16) {
	const frame = 320
	e, d := newPair(t)
	_, dc := newPair(t)
	got = make([]int16, len(sig))
	clean = make([]int16, len(sig))
	pay := make([]byte, frame/2)
	for f := 0; (f+1)*frame <= len(sig); f++ {
		e.Encode(sig[f*frame:(f+1)*frame], pay)
		dc.Decode(pay, clean[f*frame:])
		if lost[f] {
			if _, err := d.Conceal(nil, got[f*frame:(f+1)*frame]); err != nil {
				t.Fatal(err)
			}
			continue
		}
		d.Decode(pay, got[f*frame:(f+1)*frame])
	}
	return got, clean
}

// TestConceal loses one or two 20 ms frames at a series of positions in
// a vowel and compares, on average, the concealed frame and the two frames
// after it with the clean decode.
func TestConceal(t *testing.T) {
	for _, c := range []struct {
		vibrato float64
		lost    int
		min     [3]float64 // average SNRs in dB: concealed, next, then
	}{
		{0, 1, [3]float64{10, 9, 15}},
		{0, 2, [3]float64{10, 7, 15}},
		{0.02, 1, [3]float64{9, 8, 13}},
		{0.02, 2, [3]float64{9, 6, 15}},
	} {
		sig := vowel(120, c.vibrato, 60*320)
		var sum [3]float64
		runs := 0
		for k := 5; k < 50; k += 3 {
			lost := map[int]bool{}
			for j := range c.lost {
				lost[k+j] = true
			}
			got, clean := lossRun(t, sig, lost)
			for i, f := range []int{k, k + c.lost, k + c.lost + 1} {
				sum[i] += codectest.SNR(clean[f*320:(f+1)*320], got[f*320:(f+1)*320])
			}
			runs++
		}
		for i := range sum {
			sum[i] /= float64(runs)
		}
		t.Logf("vibrato %.0f%%, %d lost: SNR %.1f dB concealed, %.1f dB in the next 20 ms, %.1f dB in the 20 ms after",
			100*c.vibrato, c.lost, sum[0], sum[1], sum[2])
		for i := range sum {
			if sum[i] < c.min[i] {
				t.Errorf("vibrato %.0f%%, %d lost: SNR %.1f dB, want ≥ %.0f (frame %d of the loss)", 100*c.vibrato, c.lost, sum[i], c.min[i], i)
			}
		}
	}
}
