package audio

import (
	"fmt"
	"math"
	"time"
)

// Resampler converts mono 16-bit PCM between two sample rates as a stream:
// it keeps the tail of each input for the next call, so frame boundaries
// leave no trace and chunked input gives the same samples as one block.
//
// It is a polyphase FIR: the rate changes by L/M (reduced by their gcd),
// through a Kaiser-windowed sinc low-pass that cuts at the lower rate's
// Nyquist frequency. Not safe for concurrent use.
type Resampler struct {
	from, to int
	l, m     int       // up by l, down by m
	taps     int       // taps per phase
	coef     []float32 // l phases of taps, each oldest sample first
	buf      []float32 // taps-1 samples of history, then the current input
	pos      int       // index in buf of the newest sample the next output uses
	phase    int       // which of the l phases the next output uses
	delay    time.Duration
}

// ResamplerOption tunes the anti-aliasing filter.
type ResamplerOption func(*resamplerConfig)

type resamplerConfig struct {
	stopband float64 // attenuation in dB
	passband float64 // pass edge as a fraction of the lower Nyquist frequency
}

// WithStopband sets the filter's stopband attenuation in dB (default 70,
// at least 40). More costs taps.
func WithStopband(dB float64) ResamplerOption {
	return func(c *resamplerConfig) { c.stopband = dB }
}

// WithPassband sets where the filter starts to roll off, as a fraction of
// the lower rate's Nyquist frequency (default 0.86: 3.44 kHz at 8 kHz).
// The stopband always starts at the Nyquist frequency, so nothing
// audible aliases; a higher passband costs taps.
func WithPassband(fraction float64) ResamplerOption {
	return func(c *resamplerConfig) { c.passband = fraction }
}

const (
	resampleMaxRate  = 384000
	resampleMaxCoefs = 1 << 18 // 1 MB of filter: refuse odd rate pairs past it
)

// NewResampler returns a resampler from one rate to another, in Hz.
func NewResampler(from, to int, opts ...ResamplerOption) (*Resampler, error) {
	if from <= 0 || to <= 0 || from > resampleMaxRate || to > resampleMaxRate {
		return nil, fmt.Errorf("audio: resample %d → %d Hz: rates must be in 1..%d", from, to, resampleMaxRate)
	}
	cfg := resamplerConfig{stopband: 70, passband: 0.86}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.stopband < 40 || cfg.stopband > 200 || cfg.passband <= 0 || cfg.passband >= 1 {
		return nil, fmt.Errorf("audio: resample filter stopband %.0f dB, passband %.2f: want 40..200 dB and 0..1",
			cfg.stopband, cfg.passband)
	}
	g := resampleGCD(from, to)
	r := &Resampler{from: from, to: to, l: to / g, m: from / g}
	if r.l == 1 && r.m == 1 {
		return r, nil // same rate: Process copies
	}
	// The prototype filter runs at the upsampled rate l·from.
	rate := float64(r.l * from)
	nyq := float64(min(from, to)) / 2
	width := nyq * (1 - cfg.passband)
	n := kaiserLength(cfg.stopband, width/rate)
	r.taps = (n + r.l - 1) / r.l
	if r.taps*r.l > resampleMaxCoefs {
		return nil, fmt.Errorf("audio: resample %d → %d Hz needs %d filter taps, more than %d", from, to, r.taps*r.l, resampleMaxCoefs)
	}
	r.coef = polyphase(lowPass(r.taps*r.l, (nyq-width/2)/rate, cfg.stopband), r.l, r.taps)
	r.buf = make([]float32, r.taps-1, 2*r.taps)
	r.pos = r.taps - 1
	// A linear-phase filter of N taps delays by (N-1)/2 of its samples.
	r.delay = time.Duration(float64(r.taps*r.l-1) / 2 / rate * float64(time.Second))
	return r, nil
}

// OutLen is the most samples Process can return for inLen input samples.
func (r *Resampler) OutLen(inLen int) int {
	if r.m == 1 && r.l == 1 {
		return inLen
	}
	return (inLen*r.l + r.m - 1) / r.m
}

// Delay is how far the output lags the input.
func (r *Resampler) Delay() time.Duration { return r.delay }

// Process resamples in into out and returns the samples written. out
// should have room for OutLen(len(in)); output beyond len(out) is dropped
// (the stream keeps its timing). It allocates only when in is longer than
// any input before.
func (r *Resampler) Process(in []int16, out []int16) (n int) {
	if r.coef == nil {
		return copy(out, in)
	}
	for _, v := range in {
		r.buf = append(r.buf, float32(v))
	}
	k := r.taps
	for r.pos < len(r.buf) {
		if n < len(out) {
			c := r.coef[r.phase*k : (r.phase+1)*k]
			x := r.buf[r.pos+1-k : r.pos+1]
			out[n] = resampleToInt16(resampleDot(c, x))
			n++
		}
		r.phase += r.m
		r.pos += r.phase / r.l
		r.phase %= r.l
	}
	// Keep the last taps-1 samples as history for the next call.
	keep := len(r.buf) - (k - 1)
	copy(r.buf, r.buf[keep:])
	r.buf = r.buf[:k-1]
	r.pos -= keep
	return n
}

// resampleDot is the filter's inner product, four sums at a time.
func resampleDot(c, x []float32) float32 {
	x = x[:len(c)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(c); i += 4 {
		s0 += c[i] * x[i]
		s1 += c[i+1] * x[i+1]
		s2 += c[i+2] * x[i+2]
		s3 += c[i+3] * x[i+3]
	}
	for ; i < len(c); i++ {
		s0 += c[i] * x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func resampleToInt16(v float32) int16 {
	r := math.Round(float64(v))
	return int16(min(max(r, math.MinInt16), math.MaxInt16))
}

func resampleGCD(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
