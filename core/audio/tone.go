package audio

import (
	"math"
	"time"
)

// The call-waiting tone (ITU-T E.180 style, as most PBXs play it): two
// 200 ms beeps of 440 Hz, 200 ms apart, repeated every 3 s, at -16 dBFS:
// clearly audible over the call, not loud enough to mask the talker.
const (
	WaitingToneHz     = 440
	WaitingToneBeep   = 200 * time.Millisecond
	WaitingToneGap    = 200 * time.Millisecond
	WaitingToneCycle  = 3 * time.Second
	WaitingToneDBFS   = -16
	waitingToneRampMS = 5 // raised-cosine edges: a square gate clicks
)

// WaitingTone generates the call-waiting tone and adds it to frames of
// audio, one after the other. It does not allocate; it is not safe for
// concurrent use.
type WaitingTone struct {
	step       float64 // radians per sample
	amp        float64 // peak, in sample units
	beep, gap  int     // samples
	cycle      int
	ramp       int
	pos        int     // sample index in the cycle
	gain, fade float64 // on/off fade: gain moves by fade per sample toward 1 (on) or 0 (off)
	active     bool
}

// NewWaitingTone returns the tone for audio at rate Hz.
func NewWaitingTone(rate int) *WaitingTone {
	samples := func(d time.Duration) int { return int(d * time.Duration(rate) / time.Second) }
	ramp := max(1, rate*waitingToneRampMS/1000)
	return &WaitingTone{
		step:  2 * math.Pi * WaitingToneHz / float64(rate),
		amp:   32767 * math.Pow(10, WaitingToneDBFS/20.0),
		beep:  samples(WaitingToneBeep),
		gap:   samples(WaitingToneGap),
		cycle: samples(WaitingToneCycle),
		ramp:  ramp,
		fade:  1 / float64(ramp),
	}
}

// Add mixes the tone into pcm (saturating) while on; turned off, it fades
// out over a few milliseconds and the next start begins a new cycle with
// its first beep. It reports whether it changed pcm.
func (t *WaitingTone) Add(pcm []int16, on bool) bool {
	if !on && !t.active {
		return false
	}
	if on && !t.active {
		t.active, t.pos, t.gain = true, 0, 1
	}
	for i, s := range pcm {
		if on {
			t.gain = min(1, t.gain+t.fade)
		} else if t.gain -= t.fade; t.gain <= 0 {
			t.active, t.pos, t.gain = false, 0, 0
			return i > 0
		}
		v := float64(s) + t.gain*t.envelope(t.pos)*t.amp*math.Sin(t.step*float64(t.pos))
		pcm[i] = int16(max(-32768, min(32767, math.Round(v))))
		if t.pos++; t.pos == t.cycle {
			t.pos = 0
		}
	}
	return true
}

// envelope is the beeps' gate at cycle position pos: 0 or 1, with
// raised-cosine edges of ramp samples.
func (t *WaitingTone) envelope(pos int) float64 {
	var in int // position inside a beep
	switch {
	case pos < t.beep:
		in = pos
	case pos >= t.beep+t.gap && pos < 2*t.beep+t.gap:
		in = pos - t.beep - t.gap
	default:
		return 0
	}
	edge := min(in, t.beep-1-in)
	if edge >= t.ramp {
		return 1
	}
	return 0.5 - 0.5*math.Cos(math.Pi*float64(edge)/float64(t.ramp))
}

// Reset starts the next cycle with its first beep, at once.
func (t *WaitingTone) Reset() { t.active, t.pos, t.gain = false, 0, 0 }
