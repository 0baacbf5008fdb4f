package g722

import (
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/internal/codectest"
)

var _ codec.Codec = Codec{}

// peak is the frequency, on a 10 Hz grid, with the most power in x.
func peak(x []int16) float64 {
	best, bestP := 0.0, -1.0
	for f := 50.0; f < SampleRate/2; f += 10 {
		if p := codectest.Goertzel(x, SampleRate, f); p > bestP {
			best, bestP = f, p
		}
	}
	return best
}

// aligned finds the codec delay (0..64 samples) at which out best matches
// in, and returns the SNR there.
func aligned(in, out []int16, from, n int) (delay int, snr float64) {
	snr = math.Inf(-1)
	for lag := range 65 {
		var s, e float64
		for i := from; i < from+n; i++ {
			r, g := float64(in[i]), float64(out[i+lag])
			s += r * r
			e += (g - r) * (g - r)
		}
		if v := 10 * math.Log10(s/max(e, 1e-9)); v > snr {
			delay, snr = lag, v
		}
	}
	return delay, snr
}

// roundTrip codes sig in 20 ms frames and decodes it again.
func roundTrip(t testing.TB, sig []int16) ([]int16, []byte) {
	e, d := newPair(t)
	const frame = 320
	out := make([]int16, len(sig))
	pay := make([]byte, len(sig)/2)
	for f := 0; f+frame <= len(sig); f += frame {
		p := pay[f/2 : (f+frame)/2]
		if n, err := e.Encode(sig[f:f+frame], p); err != nil || n != frame/2 {
			t.Fatal(n, err)
		}
		if n, err := d.Decode(p, out[f:f+frame]); err != nil || n != frame {
			t.Fatal(n, err)
		}
	}
	return out, pay
}

func newPair(t testing.TB) (codec.Encoder, codec.Decoder) {
	return codectest.NewPair(t, New(), codec.Options{})
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "G722" || i.PayloadType != 9 || i.ClockRate != 8000 || i.SampleRate != 16000 {
		t.Fatalf("%+v", i)
	}
	if got := i.TimestampStep(20e6); got != 160 {
		t.Errorf("timestamp step %d for 20 ms, want 160", got)
	}
}

func TestSines(t *testing.T) {
	for _, f := range []float64{300, 1000, 3000, 6000} {
		sig := codectest.Sine(SampleRate, f, 10000, 16000)
		out, _ := roundTrip(t, sig)
		// Skip the first 100 ms while the scale factors adapt.
		delay, snr := aligned(sig, out, 1600, 8000)
		got := peak(out[1600:])
		t.Logf("%.0f Hz: delay %d samples, SNR %.1f dB, peak at %.0f Hz", f, delay, snr, got)
		if snr < 20 {
			t.Errorf("%.0f Hz: SNR %.1f dB", f, snr)
		}
		if math.Abs(got-f) > 10 {
			t.Errorf("%.0f Hz came out at %.0f Hz", f, got)
		}
	}
}

func TestSilence(t *testing.T) {
	out, _ := roundTrip(t, make([]int16, 3200))
	for i, v := range out {
		if v > 8 || v < -8 {
			t.Fatalf("silence decoded to %d at %d", v, i)
		}
	}
}

// TestFrameContinuity checks that coding in 20 ms frames gives the same
// bytes and samples as coding in one go, i.e. no state is lost between
// frames.
func TestFrameContinuity(t *testing.T) {
	sig := codectest.Sine(SampleRate, 440, 8000, 3200)
	framed, pay := roundTrip(t, sig)
	e, d := newPair(t)
	whole := make([]byte, 1600)
	e.Encode(sig, whole)
	out := make([]int16, 3200)
	d.Decode(whole, out)
	for i := range whole {
		if whole[i] != pay[i] {
			t.Fatalf("byte %d: %#02x framed, %#02x whole", i, pay[i], whole[i])
		}
	}
	for i := range out {
		if out[i] != framed[i] {
			t.Fatalf("sample %d: %d framed, %d whole", i, framed[i], out[i])
		}
	}
}

func TestBadLengths(t *testing.T) {
	e, d := newPair(t)
	if _, err := e.Encode(make([]int16, 3), make([]byte, 8)); err == nil {
		t.Error("odd frame encoded")
	}
	if _, err := e.Encode(make([]int16, 320), make([]byte, 8)); err == nil {
		t.Error("short payload buffer accepted")
	}
	if _, err := d.Decode(make([]byte, 160), make([]int16, 8)); err == nil {
		t.Error("short pcm buffer accepted")
	}
	if _, err := d.Conceal(nil, make([]int16, 3)); err == nil {
		t.Error("odd concealment accepted")
	}
}

func TestNoAllocs(t *testing.T) {
	e, d := newPair(t)
	codectest.NoAllocs(t, e, d, codectest.Sine(SampleRate, 440, 8000, 320), make([]byte, 160), make([]int16, 320))
}

func BenchmarkEncode20ms(b *testing.B) {
	e, _ := newPair(b)
	in := codectest.Sine(SampleRate, 440, 8000, 320)
	pay := make([]byte, 160)
	b.ReportAllocs()
	for b.Loop() {
		e.Encode(in, pay)
	}
}

// coded is a decoder with one 20 ms frame of a 440 Hz tone coded for it
// and room for the frame's samples.
func coded(b *testing.B) (codec.Decoder, []byte, []int16) {
	e, d := newPair(b)
	pay := make([]byte, 160)
	e.Encode(codectest.Sine(SampleRate, 440, 8000, 320), pay)
	return d, pay, make([]int16, 320)
}

func BenchmarkDecode20ms(b *testing.B) {
	d, pay, out := coded(b)
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(pay, out)
	}
}

func BenchmarkConceal20ms(b *testing.B) {
	d, pay, out := coded(b)
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(pay, out)
		d.Conceal(nil, out)
	}
}
