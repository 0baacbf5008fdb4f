package media

import "math"

// Mixer mixes a local conference one frame at a time, at one sample rate:
// each party hears everyone but itself (the others and the local
// microphone), and the local user hears every party. Sums are taken in 32
// bits and brought back into 16 by a limiter per output that lowers the
// gain smoothly when a sum would overflow (at once when it must, slowly
// back up), rather than clipping: clipping is what makes a three-way call
// crackle when two people talk at once.
type Mixer struct {
	frame int
	sum   []int32
	lim   []limiter // output 0 is the local user's, output i+1 party i's
}

// limiter is one output's gain, 1 = unity.
type limiter struct{ gain float64 }

const (
	// mixCeiling is the loudest sample the limiter lets through.
	mixCeiling = 32000
	// mixRelease is the gain's rise per frame once the sum is quiet again
	// (0.5 dB: back from -12 dB in about half a second at 20 ms).
	mixRelease = 1.0592537251772889
	// mixAttack is the ramp, in samples, over which a gain cut is made:
	// short enough that little can overshoot, long enough not to click.
	mixAttack = 32
)

// NewMixer returns a mixer for frames of frameSamples samples.
func NewMixer(frameSamples int) *Mixer {
	return &Mixer{frame: frameSamples, sum: make([]int32, frameSamples)}
}

// Mix mixes one frame. local is the microphone and parties[i] what party i
// sent (a nil or short slice is silence). toLocal gets every party;
// toParty[i] gets the local microphone and every party but i. Each output
// must hold a frame. Mix allocates only when it first sees more parties.
func (m *Mixer) Mix(local []int16, parties [][]int16, toLocal []int16, toParty [][]int16) {
	for len(m.lim) < len(parties)+1 {
		m.lim = append(m.lim, limiter{gain: 1})
	}
	clear(m.sum)
	for _, p := range parties {
		addTo(m.sum, p)
	}
	m.lim[0].apply(m.sum, nil, toLocal[:m.frame])
	addTo(m.sum, local)
	for i := range parties {
		m.lim[i+1].apply(m.sum, parties[i], toParty[i][:m.frame])
	}
}

func addTo(sum []int32, p []int16) {
	for i, x := range p[:min(len(p), len(sum))] {
		sum[i] += int32(x)
	}
}

// apply writes (sum - own) to out at the limited gain.
func (l *limiter) apply(sum []int32, own []int16, out []int16) {
	peak := int32(0)
	for i, s := range sum {
		if i < len(own) {
			s -= int32(own[i])
		}
		if s < 0 {
			s = -s
		}
		peak = max(peak, s)
	}
	target := 1.0
	if peak > mixCeiling {
		target = mixCeiling / float64(peak)
	}
	from, to := l.gain, min(target, l.gain*mixRelease)
	ramp := len(sum)
	if to < from {
		ramp = min(mixAttack, len(sum)) // cut fast: the peak may be early in the frame
	}
	for i, s := range sum {
		if i < len(own) {
			s -= int32(own[i])
		}
		g := to
		if i < ramp {
			g = from + (to-from)*float64(i+1)/float64(ramp)
		}
		v := math.Round(float64(s) * g)
		// Only a peak inside the short attack ramp can still overshoot.
		out[i] = int16(max(-32768, min(32767, v)))
	}
	l.gain = to
}
