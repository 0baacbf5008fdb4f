package audio

import "math"

// kaiserLength is the number of taps a Kaiser-windowed low-pass needs for
// atten dB of stopband over a transition width given as a fraction of
// the sample rate (Kaiser's estimate).
func kaiserLength(atten, width float64) int {
	return int(math.Ceil((atten-7.95)/(2.285*2*math.Pi*width))) + 1
}

// kaiserBeta is the window shape for atten dB of stopband (Kaiser).
func kaiserBeta(atten float64) float64 {
	switch {
	case atten > 50:
		return 0.1102 * (atten - 8.7)
	case atten >= 21:
		return 0.5842*math.Pow(atten-21, 0.4) + 0.07886*(atten-21)
	default:
		return 0
	}
}

// besselI0 is the zeroth-order modified Bessel function of the first
// kind, by its power series, which converges fast for the window's range.
func besselI0(x float64) float64 {
	sum, term := 1.0, 1.0
	q := x * x / 4
	for k := 1; term > sum*1e-12; k++ {
		term *= q / float64(k*k)
		sum += term
	}
	return sum
}

// lowPass designs an n-tap linear-phase low-pass cutting at cutoff (a
// fraction of the sample rate), windowed for atten dB of stopband, with
// unity gain at DC.
func lowPass(n int, cutoff, atten float64) []float64 {
	h := make([]float64, n)
	beta := kaiserBeta(atten)
	mid := float64(n-1) / 2
	norm := besselI0(beta)
	var sum float64
	for i := range h {
		t := float64(i) - mid
		sinc := 2 * cutoff
		if t != 0 {
			sinc = math.Sin(2*math.Pi*cutoff*t) / (math.Pi * t)
		}
		r := t / mid
		if mid == 0 {
			r = 0
		}
		w := besselI0(beta*math.Sqrt(max(0, 1-r*r))) / norm
		h[i] = sinc * w
		sum += h[i]
	}
	for i := range h {
		h[i] /= sum
	}
	return h
}

// polyphase splits a prototype filter for upsampling by l into l phases
// of taps coefficients, scaled by l to keep the gain, each stored oldest
// input first so that it runs forward over the input buffer: phase p's
// coefficient for the sample k steps back is h[p+k·l].
func polyphase(h []float64, l, taps int) []float32 {
	c := make([]float32, l*taps)
	for p := range l {
		for k := range taps {
			if i := p + k*l; i < len(h) {
				c[p*taps+taps-1-k] = float32(h[i] * float64(l))
			}
		}
	}
	return c
}
