package opus

import (
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/internal/codectest"
)

var _ codec.Codec = Codec{}

const frame = SampleRate / 50 // 20 ms

// vowel is a voiced, speech-like test signal: harmonics of a gliding f0
// up to 4 kHz with a slow syllable-rate envelope.
func vowel(n int) []int16 {
	out := make([]int16, n)
	var ph float64
	for i := range out {
		t := float64(i) / SampleRate
		f0 := 130 + 30*math.Sin(2*math.Pi*2*t)
		ph += 2 * math.Pi * f0 / SampleRate
		var v float64
		for k := 1; float64(k)*f0 < 4000; k++ {
			v += math.Sin(float64(k)*ph+float64(k)) / float64(k)
		}
		env := 0.6 + 0.4*math.Sin(2*math.Pi*3*t)
		out[i] = int16(3000 * env * v)
	}
	return out
}

func newPair(t testing.TB, o codec.Options) (codec.Encoder, codec.Decoder) {
	return codectest.NewPair(t, New(), o)
}

// encodeAll codes sig in 20 ms packets.
func encodeAll(t testing.TB, e codec.Encoder, sig []int16) [][]byte {
	var pkts [][]byte
	for f := 0; f+frame <= len(sig); f += frame {
		buf := make([]byte, 1500)
		n, err := e.Encode(sig[f:f+frame], buf)
		if err != nil {
			t.Fatal(err)
		}
		pkts = append(pkts, buf[:n])
	}
	return pkts
}

func TestInfo(t *testing.T) {
	i := New().Info()
	if i.Name != "opus" || i.ClockRate != 48000 || i.SampleRate != 48000 || i.Channels != 2 ||
		i.PayloadType != 111 || i.Fmtp != "minptime=10;useinbandfec=1" {
		t.Fatalf("%+v", i)
	}
}

func TestSineKeepsFrequency(t *testing.T) {
	for _, f := range []float64{300, 1000, 3000} {
		e, d := newPair(t, DefaultOptions())
		sig := codectest.Sine(SampleRate, f, 8000, SampleRate)
		out := make([]int16, len(sig))
		for i, p := range encodeAll(t, e, sig) {
			if n, err := d.Decode(p, out[i*frame:]); err != nil || n != frame {
				t.Fatal(n, err)
			}
		}
		tail := out[SampleRate/5:] // past the start-up
		at := codectest.Goertzel(tail, SampleRate, f)
		for _, g := range []float64{f / 2, f * 0.8, f * 1.25, 2 * f} {
			if r := 10 * math.Log10(at/codectest.Goertzel(tail, SampleRate, g)); r < 30 {
				t.Errorf("%.0f Hz: only %.1f dB above %.0f Hz", f, r, g)
			}
		}
		if r := 20 * math.Log10(codectest.RMS(tail)/codectest.RMS(sig[SampleRate/5:])); math.Abs(r) > 1 {
			t.Errorf("%.0f Hz: level changed by %.1f dB", f, r)
		}
	}
}

// TestFECBeatsPLC loses single packets of a voiced signal and compares
// the recovered audio with a clean decode: FEC from the next packet must
// come closer than libopus's PLC.
func TestFECBeatsPLC(t *testing.T) {
	sig := vowel(2 * SampleRate)
	e, clean := newPair(t, DefaultOptions())
	pkts := encodeAll(t, e, sig)
	ref := make([]int16, len(sig))
	for i, p := range pkts {
		clean.Decode(p, ref[i*frame:])
	}
	errOf := func(useFEC bool) float64 {
		var sum float64
		runs := 0
		for k := 10; k+1 < len(pkts); k += 7 {
			d, _ := New().NewDecoder()
			out := make([]int16, frame)
			for i := 0; i < k; i++ {
				d.Decode(pkts[i], out)
			}
			var next []byte
			if useFEC {
				next = pkts[k+1]
			}
			if n, err := d.Conceal(next, out); err != nil || n != frame {
				t.Fatal(n, err)
			}
			r := ref[k*frame : (k+1)*frame]
			var s, n float64
			for i := range out {
				df := float64(out[i]) - float64(r[i])
				s += float64(r[i]) * float64(r[i])
				n += df * df
			}
			sum += 10 * math.Log10(s/max(n, 1e-9))
			runs++
		}
		return sum / float64(runs)
	}
	fec, plc := errOf(true), errOf(false)
	t.Logf("lost 20 ms recovered at %.1f dB SNR with FEC, %.1f dB with PLC", fec, plc)
	if fec < plc+3 {
		t.Errorf("FEC %.1f dB not clearly better than PLC %.1f dB", fec, plc)
	}
}

func TestOptions(t *testing.T) {
	if _, err := New().NewEncoder(codec.Options{Complexity: 11}); err == nil {
		t.Error("complexity 11 accepted")
	}
	e, _ := newPair(t, codec.Options{Bitrate: 12000, DTX: true, Complexity: 1})
	buf := make([]byte, 1500)
	// DTX: a run of silence ends in tiny packets.
	var n int
	for range 50 {
		var err error
		if n, err = e.Encode(make([]int16, frame), buf); err != nil {
			t.Fatal(err)
		}
	}
	if n > 2 {
		t.Errorf("DTX silence packet %d bytes", n)
	}
	if _, err := e.Encode(make([]int16, 100), buf); err == nil {
		t.Error("100-sample frame accepted")
	}
}

func TestNoAllocs(t *testing.T) {
	e, d := newPair(t, DefaultOptions())
	in := vowel(frame)
	buf := make([]byte, 1500)
	out := make([]int16, frame)
	if a := testing.AllocsPerRun(50, func() {
		n, _ := e.Encode(in, buf)
		d.Decode(buf[:n], out)
		d.Conceal(buf[:n], out)
		d.Conceal(nil, out)
	}); a != 0 {
		t.Fatalf("%v allocs", a)
	}
}

func BenchmarkEncode20ms(b *testing.B) {
	e, _ := newPair(b, DefaultOptions())
	in := vowel(frame)
	buf := make([]byte, 1500)
	b.ReportAllocs()
	for b.Loop() {
		e.Encode(in, buf)
	}
}

func BenchmarkDecode20ms(b *testing.B) {
	e, d := newPair(b, DefaultOptions())
	buf := make([]byte, 1500)
	n, _ := e.Encode(vowel(frame), buf)
	out := make([]int16, frame)
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(buf[:n], out)
	}
}

func BenchmarkConceal20ms(b *testing.B) {
	e, d := newPair(b, DefaultOptions())
	sig := vowel(2 * frame)
	buf := make([]byte, 1500)
	e.Encode(sig[:frame], buf)
	n, _ := e.Encode(sig[frame:], buf)
	out := make([]int16, frame)
	b.Run("FEC", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Conceal(buf[:n], out)
		}
	})
	b.Run("PLC", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.Conceal(nil, out)
		}
	})
}
