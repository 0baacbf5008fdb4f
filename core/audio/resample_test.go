package audio

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

var resampleRates = []int{8000, 16000, 32000, 44100, 48000}

func resampleSine(rate int, freq, amp float64, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(math.Round(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate))))
	}
	return out
}

func resampleRMS(x []int16) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(x)))
}

// resampleGoertzel is the power of x at freq Hz.
func resampleGoertzel(x []int16, rate int, freq float64) float64 {
	c := 2 * math.Cos(2*math.Pi*freq/float64(rate))
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = float64(v)+c*s1-s2, s1
	}
	return s1*s1 + s2*s2 - c*s1*s2
}

func mustResampler(t testing.TB, from, to int) *Resampler {
	t.Helper()
	r, err := NewResampler(from, to)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// resampleAll runs in through r in frames of the given duration.
func resampleAll(r *Resampler, in []int16, frame int) []int16 {
	var out []int16
	buf := make([]int16, r.OutLen(frame))
	for i := 0; i < len(in); i += frame {
		n := r.Process(in[i:min(i+frame, len(in))], buf)
		out = append(out, buf[:n]...)
	}
	return out
}

// TestRoundTrip48k8k sends 1 kHz from 48 kHz down to 8 kHz and back.
func TestRoundTrip48k8k(t *testing.T) {
	in := resampleSine(48000, 1000, 10000, 48000)
	down := resampleAll(mustResampler(t, 48000, 8000), in, 960)
	back := resampleAll(mustResampler(t, 8000, 48000), down, 160)
	if len(down) != 8000 || len(back) != 48000 {
		t.Fatalf("lengths %d, %d", len(down), len(back))
	}
	tail := back[4800:] // past both filters' start-up
	gain := 20 * math.Log10(resampleRMS(tail)/resampleRMS(in[4800:]))
	var best, bestF float64
	for f := 900.0; f <= 1100; f += 5 {
		if p := resampleGoertzel(tail, 48000, f); p > best {
			best, bestF = p, f
		}
	}
	t.Logf("1 kHz 48k→8k→48k: gain %.3f dB, peak %.0f Hz", gain, bestF)
	if math.Abs(gain) > 1 {
		t.Errorf("gain %.2f dB", gain)
	}
	if bestF != 1000 {
		t.Errorf("peak at %.0f Hz", bestF)
	}
}

// TestAliasing resamples a 6 kHz tone from 48 kHz to 8 kHz, where it
// would fold to 2 kHz if the filter let it through.
func TestAliasing(t *testing.T) {
	for _, c := range []struct {
		from, to int
		freq     float64
	}{{48000, 8000, 6000}, {48000, 16000, 9000}, {44100, 8000, 4400}, {16000, 8000, 4500}} {
		in := resampleSine(c.from, c.freq, 10000, c.from)
		out := resampleAll(mustResampler(t, c.from, c.to), in, c.from/50)
		att := 20 * math.Log10(resampleRMS(in)/max(resampleRMS(out[len(out)/10:]), 1e-3))
		t.Logf("%.1f kHz at %d → %d Hz: attenuated %.1f dB", c.freq/1000, c.from, c.to, att)
		if att < 50 {
			t.Errorf("%.1f kHz at %d → %d Hz: only %.1f dB down", c.freq/1000, c.from, c.to, att)
		}
	}
}

// TestAllPairs checks every pair of supported rates keeps a 440 Hz tone's
// level and that the output length follows the ratio.
func TestAllPairs(t *testing.T) {
	for _, from := range resampleRates {
		for _, to := range resampleRates {
			r := mustResampler(t, from, to)
			in := resampleSine(from, 440, 8000, from/2)
			out := resampleAll(r, in, from/100)
			if want := to / 2; len(out) != want {
				t.Errorf("%d → %d: %d samples out of %d, want %d", from, to, len(out), len(in), want)
				continue
			}
			skip := int(r.Delay().Seconds()*float64(to)) + to/100
			gain := 20 * math.Log10(resampleRMS(out[skip:])/resampleRMS(in[skip:]))
			if math.Abs(gain) > 0.1 {
				t.Errorf("%d → %d: gain %.3f dB", from, to, gain)
			}
		}
	}
}

// TestChunkedEqualsOneShot feeds random chunk sizes, zero included.
func TestChunkedEqualsOneShot(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, p := range [][2]int{{48000, 8000}, {8000, 48000}, {44100, 48000}, {48000, 44100}, {16000, 48000}} {
		in := make([]int16, p[0]/5)
		for i := range in {
			in[i] = int16(rng.IntN(20000) - 10000)
		}
		whole := mustResampler(t, p[0], p[1])
		one := make([]int16, whole.OutLen(len(in)))
		one = one[:whole.Process(in, one)]

		r := mustResampler(t, p[0], p[1])
		var got []int16
		for i := 0; i < len(in); {
			n := min(rng.IntN(700), len(in)-i)
			buf := make([]int16, r.OutLen(n))
			m := r.Process(in[i:i+n], buf)
			if m > len(buf) {
				t.Fatalf("wrote %d > OutLen %d", m, len(buf))
			}
			got = append(got, buf[:m]...)
			i += n
		}
		if len(got) != len(one) {
			t.Fatalf("%d → %d: %d samples chunked, %d at once", p[0], p[1], len(got), len(one))
		}
		for i := range got {
			if got[i] != one[i] {
				t.Fatalf("%d → %d: sample %d is %d chunked, %d at once", p[0], p[1], i, got[i], one[i])
			}
		}
	}
}

// TestDelay checks Delay against where an impulse's response peaks.
func TestDelay(t *testing.T) {
	for _, p := range [][2]int{{48000, 8000}, {8000, 48000}, {16000, 48000}} {
		r := mustResampler(t, p[0], p[1])
		in := make([]int16, p[0]/10)
		in[0] = 30000
		out := resampleAll(r, in, len(in))
		peak := 0
		for i, v := range out {
			if v > out[peak] {
				peak = i
			}
		}
		got := time.Duration(float64(peak) / float64(p[1]) * float64(time.Second))
		if d := got - r.Delay(); d < -time.Second/time.Duration(p[1]) || d > time.Second/time.Duration(p[1]) {
			t.Errorf("%d → %d: impulse peaks at %v, Delay %v", p[0], p[1], got, r.Delay())
		}
	}
}

func TestSameRateCopies(t *testing.T) {
	r := mustResampler(t, 16000, 16000)
	in := resampleSine(16000, 300, 1000, 320)
	out := make([]int16, r.OutLen(len(in)))
	if n := r.Process(in, out); n != len(in) || out[17] != in[17] || r.Delay() != 0 {
		t.Fatal("same-rate resampler is not a copy")
	}
}

func TestShortOutputKeepsTiming(t *testing.T) {
	in := resampleSine(48000, 500, 8000, 960*3)
	ref := resampleAll(mustResampler(t, 48000, 8000), in, 960)
	r := mustResampler(t, 48000, 8000)
	out := make([]int16, 160)
	r.Process(in[:960], out[:100]) // 60 samples dropped
	r.Process(in[960:1920], out)
	if out[5] != ref[165] {
		t.Fatal("a short output buffer shifted the stream")
	}
}

func TestResamplerErrors(t *testing.T) {
	for _, c := range []struct {
		from, to int
		opts     []ResamplerOption
	}{
		{0, 8000, nil}, {8000, -1, nil}, {8000, 1 << 30, nil},
		{8000, 16000, []ResamplerOption{WithStopband(10)}},
		{8000, 16000, []ResamplerOption{WithPassband(1)}},
		{8000, 16001, nil}, // coprime rates: too big a filter
	} {
		if _, err := NewResampler(c.from, c.to, c.opts...); err == nil {
			t.Errorf("%d → %d accepted", c.from, c.to)
		}
	}
	if _, err := NewResampler(8000, 48000, WithStopband(90), WithPassband(0.9)); err != nil {
		t.Error(err)
	}
}

func TestResampleNoAllocs(t *testing.T) {
	r := mustResampler(t, 48000, 16000)
	in := resampleSine(48000, 440, 8000, 960)
	out := make([]int16, r.OutLen(960))
	r.Process(in, out)
	if a := testing.AllocsPerRun(100, func() { r.Process(in, out) }); a != 0 {
		t.Fatalf("%v allocs per Process", a)
	}
}

func BenchmarkResample20ms(b *testing.B) {
	for _, p := range [][2]int{{48000, 8000}, {8000, 48000}, {48000, 16000}, {16000, 48000}, {44100, 48000}} {
		b.Run(resampleName(p[0])+"to"+resampleName(p[1]), func(b *testing.B) {
			r := mustResampler(b, p[0], p[1])
			in := resampleSine(p[0], 440, 8000, p[0]/50)
			out := make([]int16, r.OutLen(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				r.Process(in, out)
			}
		})
	}
}

func resampleName(rate int) string {
	return strconv.FormatFloat(float64(rate)/1000, 'f', -1, 64) + "k"
}
