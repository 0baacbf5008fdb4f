package media

import (
	"math"
	"testing"
)

const mixRate = 48000

// tone is dur seconds of an amp (full scale = 1) sine of f Hz.
func tone(f, amp float64, n int) []int16 {
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(amp * 32767 * math.Sin(2*math.Pi*f*float64(i)/mixRate))
	}
	return pcm
}

// mixAll runs whole signals through a Mixer frame by frame.
func mixAll(m *Mixer, frame int, local []int16, parties [][]int16) (toLocal []int16, toParty [][]int16) {
	toLocal = make([]int16, len(local))
	toParty = make([][]int16, len(parties))
	for i := range toParty {
		toParty[i] = make([]int16, len(local))
	}
	outs := make([][]int16, len(parties))
	ins := make([][]int16, len(parties))
	for at := 0; at+frame <= len(local); at += frame {
		for i := range parties {
			ins[i], outs[i] = parties[i][at:at+frame], toParty[i][at:at+frame]
		}
		m.Mix(local[at:at+frame], ins, toLocal[at:at+frame], outs)
	}
	return toLocal, toParty
}

// TestMixerWhoHearsWhom: three parties and the local user, each on its
// own tone: each output holds every other tone at its level and not its
// own.
func TestMixerWhoHearsWhom(t *testing.T) {
	n, frame := mixRate, mixRate/50
	freqs := []float64{300, 700, 1100} // parties
	const localF, amp = 1700.0, 0.2
	parties := make([][]int16, len(freqs))
	for i, f := range freqs {
		parties[i] = tone(f, amp, n)
	}
	toLocal, toParty := mixAll(NewMixer(frame), frame, tone(localF, amp, n), parties)
	check := func(who string, pcm []int16, f float64, want bool) {
		t.Helper()
		got := goertzel(pcm, mixRate, f)
		if want && math.Abs(dB(got/amp)) > 0.5 || !want && got > amp/1000 {
			t.Errorf("%s: %.0f Hz at %.1f dB of its level, want it %v", who, f, dB(got/amp), map[bool]string{true: "at 0 dB", false: "absent"}[want])
		}
	}
	for _, f := range freqs {
		check("local user", toLocal, f, true)
	}
	check("local user", toLocal, localF, false)
	for i := range parties {
		check("party", toParty[i], localF, true)
		for j, f := range freqs {
			check("party", toParty[i], f, i != j)
		}
	}
}

// TestMixerLimitsWithoutClipping: two parties near full scale at once.
// Clipping the sum would put strong intermodulation products in the
// output; the limiter must keep them 50 dB down while both voices stay.
func TestMixerLimitsWithoutClipping(t *testing.T) {
	n, frame := mixRate, mixRate/50
	a, b := tone(440, 0.9, n), tone(1000, 0.9, n)
	toLocal, _ := mixAll(NewMixer(frame), frame, make([]int16, n), [][]int16{a, b})
	settled := toLocal[n/2:]
	// 3rd-order products of 440 and 1000 Hz: what clipping creates.
	products := []float64{1320, 1560, 1880, 3000}
	level := func(pcm []int16) (signal, worst float64) {
		signal = math.Min(goertzel(pcm, mixRate, 440), goertzel(pcm, mixRate, 1000))
		for _, f := range products {
			worst = math.Max(worst, goertzel(pcm, mixRate, f))
		}
		return signal, worst
	}
	sig, imd := level(settled)
	if dB(imd/sig) > -50 || dB(sig) < -12 {
		t.Errorf("limited: tones at %.1f dBFS, worst product %.1f dB below them; want both tones kept and products ≥ 50 dB down", dB(sig), -dB(imd/sig))
	}
	// The check can fail: the same sum hard-clipped has strong products.
	clipped := make([]int16, n/2)
	for i := range clipped {
		clipped[i] = int16(max(-32768, min(32767, int32(a[n/2+i])+int32(b[n/2+i]))))
	}
	if csig, cimd := level(clipped); dB(cimd/csig) < -40 {
		t.Fatalf("hard clipping gives products only %.1f dB down: the test cannot tell", -dB(cimd/csig))
	}
}

// TestMixerRelease: after a loud spell the gain comes back to unity, so a
// quiet talker is not left attenuated.
func TestMixerRelease(t *testing.T) {
	frame := mixRate / 50
	m := NewMixer(frame)
	loud := [][]int16{tone(440, 0.9, frame), tone(1000, 0.9, frame)}
	quiet := [][]int16{tone(440, 0.1, frame), make([]int16, frame)}
	out, outs := make([]int16, frame), [][]int16{make([]int16, frame), make([]int16, frame)}
	for range 25 {
		m.Mix(make([]int16, frame), loud, out, outs)
	}
	if g := m.lim[0].gain; g > 0.7 {
		t.Fatalf("gain %.2f during the loud spell, want a cut", g)
	}
	for range 50 { // one second
		m.Mix(make([]int16, frame), quiet, out, outs)
	}
	if g := m.lim[0].gain; g < 0.999 {
		t.Errorf("gain %.3f one second after the loud spell, want back to 1", g)
	}
	if got := goertzel(out, mixRate, 440); math.Abs(dB(got/0.1)) > 0.5 {
		t.Errorf("quiet talker at %.1f dB of its level", dB(got/0.1))
	}
}

func TestMixerNoAllocs(t *testing.T) {
	frame := mixRate / 50
	m := NewMixer(frame)
	in := [][]int16{tone(440, 0.5, frame), tone(1000, 0.5, frame), tone(700, 0.5, frame)}
	outs := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	local, out := tone(300, 0.5, frame), make([]int16, frame)
	m.Mix(local, in, out, outs)
	if a := testing.AllocsPerRun(100, func() { m.Mix(local, in, out, outs) }); a != 0 {
		t.Errorf("Mix allocates %.1f times per frame", a)
	}
}

// BenchmarkMixer20ms mixes one 20 ms frame at 48 kHz of a three-party
// conference plus the local user (four outputs).
func BenchmarkMixer20ms(b *testing.B) {
	frame := mixRate / 50
	m := NewMixer(frame)
	in := [][]int16{tone(440, 0.9, frame), tone(1000, 0.9, frame), tone(700, 0.5, frame)}
	outs := [][]int16{make([]int16, frame), make([]int16, frame), make([]int16, frame)}
	local, out := tone(300, 0.5, frame), make([]int16, frame)
	b.ReportAllocs()
	for b.Loop() {
		m.Mix(local, in, out, outs)
	}
}
