// Package plc conceals lost packets of waveform codecs (G.711, G.722) in
// the manner of ITU-T G.711 Appendix I, at any sample rate: it keeps the
// recent decoded output, repeats its last pitch periods when a packet is
// lost, fades them out, and cross-fades back into the next good frame.
//
// Unlike Appendix I it adds no output delay: the join at the start of a
// loss is smoothed inside the concealed signal instead of by rewriting
// samples already played.
package plc

import (
	"fmt"
	"math"
)

// Timing of the concealment, in milliseconds (Appendix I values).
const (
	minPitchMs   = 5     // highest pitch searched: 200 Hz
	maxPitchMs   = 15    // lowest pitch searched: 66.7 Hz
	corrMs       = 20    // window correlated in the pitch search
	stepMs       = 10    // unit of the attenuation and period expansion
	maxPeriods   = 3     // repeat at most the last three periods
	recoverMinMs = 4     // cross-fade into the first good frame ...
	recoverMaxMs = 10    // ... growing 4 ms per 10 ms lost, capped here
	fadePerStep  = 0.2   // attenuation per stepMs after the first step
	minRate      = 4000  // below this the pitch range makes no sense
	maxRate      = 96000 // keeps the buffers small
)

// Concealer makes up audio for lost frames from the audio decoded before.
// Feed every decoded frame to Good and ask Conceal for each lost one. It
// allocates only in New. Not safe for concurrent use.
type Concealer struct {
	hist   []int16 // most recent output, oldest first
	frozen []int16 // hist as it was when the current loss began

	minP, maxP, corrLen, step int // durations in samples

	lost    int   // samples made up since the loss began, 0 if none
	pitch   int   // period found at the start of the loss
	periods int   // pitch periods being repeated
	syn     synth // the made-up signal
}

// New returns a Concealer for mono PCM at sampleRate Hz.
func New(sampleRate int) (*Concealer, error) {
	if sampleRate < minRate || sampleRate > maxRate {
		return nil, fmt.Errorf("plc: sample rate %d Hz outside %d..%d", sampleRate, minRate, maxRate)
	}
	ms := func(n int) int { return (sampleRate*n + 999) / 1000 }
	c := &Concealer{
		minP:    ms(minPitchMs),
		maxP:    ms(maxPitchMs),
		corrLen: ms(corrMs),
		step:    ms(stepMs),
	}
	// The longest repetition plus the overlap before it must fit, and so
	// must the pitch search window at the longest lag.
	n := max(maxPeriods*c.maxP+c.maxP/4+1, c.corrLen+c.maxP)
	c.hist = make([]int16, n)
	c.frozen = make([]int16, n)
	c.syn.cur.buf = make([]float32, maxPeriods*c.maxP)
	c.syn.prev.buf = make([]float32, maxPeriods*c.maxP)
	return c, nil
}

// Concealing reports whether the last call was Conceal.
func (c *Concealer) Concealing() bool { return c.lost > 0 }

// Good records a decoded frame. After a loss it rewrites the first few
// milliseconds of pcm in place, cross-fading from the made-up signal into
// the real one so the resumption does not click.
func (c *Concealer) Good(pcm []int16) {
	if c.lost > 0 {
		c.recover(pcm)
	}
	c.push(pcm)
}

// Conceal fills pcm with audio for a lost frame and records it as output.
func (c *Concealer) Conceal(pcm []int16) { c.ConcealUnfaded(pcm, nil) }

// ConcealUnfaded is Conceal that also writes to unfaded, if not nil, the
// same audio before the fade-out: what the far end probably still sent,
// which a codec can code again to keep its state in step.
func (c *Concealer) ConcealUnfaded(pcm, unfaded []int16) {
	if c.lost == 0 {
		c.begin()
	}
	for i := range pcm {
		v, g := c.next()
		pcm[i] = toInt16(g * v)
		if unfaded != nil {
			unfaded[i] = toInt16(v)
		}
	}
	c.push(pcm)
}

// Recent copies the last len(dst) samples of output into dst, oldest first.
// dst must not be longer than the 45 ms or so of history kept.
func (c *Concealer) Recent(dst []int16) {
	copy(dst, c.hist[len(c.hist)-len(dst):])
}

// Ahead writes to dst the unfaded samples that the next calls to Conceal
// would make, without making them; a change in the number of periods
// repeated within that stretch is not foreseen. Outside a loss it writes
// silence.
func (c *Concealer) Ahead(dst []int16) {
	if c.lost == 0 {
		clear(dst)
		return
	}
	s := c.syn // the wave buffers are shared but only read
	for i := range dst {
		dst[i] = toInt16(s.sample())
	}
}

// begin freezes the history and sets up the repetition of one period.
func (c *Concealer) begin() {
	copy(c.frozen, c.hist)
	c.pitch = findPitch(c.frozen, c.minP, c.maxP, c.corrLen, max(1, c.minP/20))
	c.periods = 1
	c.syn.start(c.frozen, c.pitch)
}

// next makes up one sample, returned before and with the gain to apply.
func (c *Concealer) next() (float32, float32) {
	t := c.lost
	c.lost++
	if c.periods < maxPeriods && t == c.periods*c.step {
		// Repeat one more period so long losses do not buzz on one.
		c.periods++
		c.syn.expand(c.frozen, c.periods*c.pitch)
	}
	return c.syn.sample(), c.gain(t)
}

// gain is the attenuation t samples into a loss: none for the first step,
// then fadePerStep per step down to silence.
func (c *Concealer) gain(t int) float32 {
	if t < c.step {
		return 1
	}
	g := 1 - fadePerStep*float32(t-c.step)/float32(c.step)
	return max(g, 0)
}

// recover cross-fades the start of the first good frame after a loss
// with the continuing made-up signal.
func (c *Concealer) recover(pcm []int16) {
	ms := c.step / stepMs
	steps := (c.lost + c.step - 1) / c.step
	n := min(len(pcm), min(recoverMinMs*steps, recoverMaxMs)*ms)
	for i := range n {
		w := float32(i+1) / float32(n+1)
		v, g := c.next()
		pcm[i] = toInt16((1-w)*g*v + w*float32(pcm[i]))
	}
	c.lost = 0
}

// push appends output to the history.
func (c *Concealer) push(pcm []int16) {
	h := c.hist
	if len(pcm) >= len(h) {
		copy(h, pcm[len(pcm)-len(h):])
		return
	}
	copy(h, h[len(pcm):])
	copy(h[len(h)-len(pcm):], pcm)
}

func toInt16(v float32) int16 {
	r := math.Round(float64(v))
	return int16(min(max(r, math.MinInt16), math.MaxInt16))
}
