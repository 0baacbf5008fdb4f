package testlab

import (
	"fmt"
	"math"
	"time"
)

// ToneSamples returns dur of a mono sine of hz at amplitude (1 = full scale).
func ToneSamples(rate int, hz float64, dur time.Duration, amplitude float64) []int16 {
	n := int(dur.Seconds() * float64(rate))
	pcm := make([]int16, n)
	w := 2 * math.Pi * hz / float64(rate)
	for i := range pcm {
		v := amplitude * 32767 * math.Sin(w*float64(i))
		pcm[i] = int16(math.Max(-32768, math.Min(32767, math.Round(v))))
	}
	return pcm
}

// WriteToneWAV writes dur of a sine of hz as a mono 16-bit PCM WAV file;
// amplitude is relative to full scale (0.5 = -6 dBFS).
func WriteToneWAV(path string, rate int, hz float64, dur time.Duration, amplitude float64) error {
	if hz <= 0 || hz >= float64(rate)/2 {
		return fmt.Errorf("tone of %v Hz cannot be sampled at %d Hz", hz, rate)
	}
	return WriteWAV(path, ToneSamples(rate, hz, dur, amplitude), rate, 1)
}

// Goertzel returns the power of the hz component of pcm (mono), normalised so
// that a full-scale sine of hz gives ~1 (0 dBFS). The block is Hann-windowed
// so that strong components more than ~2 bins away leak little into hz.
func Goertzel(pcm []int16, rate int, hz float64) float64 {
	if len(pcm) < 2 {
		return 0
	}
	return goertzel(hannBlock(pcm), rate, hz)
}

// windowed is a block of samples scaled to ±1 and Hann-windowed, with the
// sum of the window for normalisation.
type windowed struct {
	x    []float64
	wsum float64
}

func hannBlock(pcm []int16) windowed {
	n := len(pcm)
	b := windowed{x: make([]float64, n)}
	for i, s := range pcm {
		w := 0.5 - 0.5*math.Cos(2*math.Pi*float64(i)/float64(n-1))
		b.wsum += w
		b.x[i] = w * float64(s) / 32768
	}
	return b
}

func goertzel(b windowed, rate int, hz float64) float64 {
	coeff := 2 * math.Cos(2*math.Pi*hz/float64(rate))
	var s1, s2 float64
	for _, x := range b.x {
		s1, s2 = x+coeff*s1-s2, s1
	}
	mag2 := s1*s1 + s2*s2 - coeff*s1*s2
	// A sine of amplitude A gives |X| = A*sum(w)/2.
	amp := 2 * math.Sqrt(math.Max(mag2, 0)) / b.wsum
	return amp * amp
}

// DBFS converts a Goertzel power to dB relative to a full-scale sine, with a
// floor of -150 dB for silence.
func DBFS(power float64) float64 {
	if power <= 1e-15 {
		return -150
	}
	return 10 * math.Log10(power)
}

// ToneReport is what AnalyzeTone found in a signal.
type ToneReport struct {
	Hz            float64 // the frequency looked for
	LevelDBFS     float64 // its mean level over the windows that carry it (all windows if none does)
	OtherDBFS     float64 // the strongest probe frequency away from Hz, over the same windows
	OtherHz       float64 // that probe's frequency
	ActiveSeconds float64 // total length of the 20 ms windows that carry the tone
	TotalSeconds  float64 // length of the signal
}

func (r ToneReport) String() string {
	return fmt.Sprintf("%v Hz: %.1f dBFS (strongest other %v Hz: %.1f dBFS), active %.2f s of %.2f s",
		r.Hz, r.LevelDBFS, r.OtherHz, r.OtherDBFS, r.ActiveSeconds, r.TotalSeconds)
}

// Tone detection thresholds of AnalyzeTone.
const (
	toneWindow      = 20 * time.Millisecond
	toneMinDBFS     = -40.0 // a window carries the tone when hz is at least this loud
	toneDominanceDB = 10.0  // ... and at least this far above every other probe
	probeStepHz     = 100.0
	probeGuardHz    = 150.0 // probes closer than this to hz are in its main lobe
	probeMinHz      = 100.0
	probeMaxHz      = 8000.0
	probeNyquistGap = 100.0
)

// probeFreqs are the frequencies AnalyzeTone compares hz with: a 100 Hz grid
// up to 8 kHz (or near Nyquist), without those in hz's main lobe.
func probeFreqs(rate int, hz float64) []float64 {
	top := math.Min(probeMaxHz, float64(rate)/2-probeNyquistGap)
	var fs []float64
	for f := probeMinHz; f <= top; f += probeStepHz {
		if math.Abs(f-hz) > probeGuardHz {
			fs = append(fs, f)
		}
	}
	return fs
}

// AnalyzeTone measures how present a tone of hz is in pcm (mono), per 20 ms
// window: a window carries the tone when hz is at least -40 dBFS and 10 dB
// above every probe frequency of a 100 Hz grid (the tone's own main lobe
// left out).
func AnalyzeTone(pcm []int16, rate int, hz float64) ToneReport {
	rep := ToneReport{Hz: hz, LevelDBFS: -150, OtherDBFS: -150}
	if rate <= 0 {
		return rep
	}
	rep.TotalSeconds = float64(len(pcm)) / float64(rate)
	win := int(toneWindow.Seconds() * float64(rate))
	probes := probeFreqs(rate, hz)
	if win < 2 || len(pcm) < win {
		return rep
	}
	type window struct {
		tone   float64
		others []float64
	}
	var all, active []window
	for off := 0; off+win <= len(pcm); off += win {
		block := hannBlock(pcm[off : off+win])
		w := window{tone: goertzel(block, rate, hz), others: make([]float64, len(probes))}
		strongest := 0.0
		for i, f := range probes {
			w.others[i] = goertzel(block, rate, f)
			strongest = math.Max(strongest, w.others[i])
		}
		all = append(all, w)
		if DBFS(w.tone) >= toneMinDBFS && DBFS(w.tone)-DBFS(strongest) >= toneDominanceDB {
			active = append(active, w)
		}
	}
	rep.ActiveSeconds = float64(len(active)*win) / float64(rate)
	sel := active
	if len(sel) == 0 {
		sel = all
	}
	var tone float64
	other := make([]float64, len(probes))
	for _, w := range sel {
		tone += w.tone
		for i, p := range w.others {
			other[i] += p
		}
	}
	rep.LevelDBFS = DBFS(tone / float64(len(sel)))
	for i, p := range other {
		if l := DBFS(p / float64(len(sel))); l > rep.OtherDBFS || rep.OtherHz == 0 {
			rep.OtherDBFS, rep.OtherHz = l, probes[i]
		}
	}
	return rep
}
