package g711

import (
	"errors"
	"io"
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/internal/codectest"
)

var _ codec.Codec = Codec{}

func newPair(t testing.TB, c Codec) (codec.Encoder, codec.Decoder) {
	return codectest.NewPair(t, c, codec.Options{})
}

func TestInfo(t *testing.T) {
	for _, c := range []struct {
		c    Codec
		name string
		pt   uint8
	}{{PCMU(), "PCMU", 0}, {PCMA(), "PCMA", 8}} {
		i := c.c.Info()
		if i.Name != c.name || i.PayloadType != c.pt || i.ClockRate != 8000 || i.SampleRate != 8000 || i.Channels != 1 {
			t.Errorf("%+v", i)
		}
	}
}

// TestSineSNR checks the companding noise of a full-scale-ish tone is
// at G.711's ~38 dB.
func TestSineSNR(t *testing.T) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		e, d := newPair(t, c)
		in := codectest.Sine(SampleRate, 1000, 10000, 160)
		pay := make([]byte, 160)
		out := make([]int16, 160)
		if n, err := e.Encode(in, pay); err != nil || n != 160 {
			t.Fatal(n, err)
		}
		if n, err := d.Decode(pay, out); err != nil || n != 160 {
			t.Fatal(n, err)
		}
		if s := codectest.SNR(in, out); s < 35 {
			t.Errorf("%s: SNR %.1f dB", c.info.Name, s)
		}
	}
}

func TestShortBuffers(t *testing.T) {
	e, d := newPair(t, PCMU())
	if _, err := e.Encode(make([]int16, 160), make([]byte, 10)); !errors.Is(err, io.ErrShortBuffer) {
		t.Errorf("encode: %v", err)
	}
	if _, err := d.Decode(make([]byte, 160), make([]int16, 10)); !errors.Is(err, io.ErrShortBuffer) {
		t.Errorf("decode: %v", err)
	}
	if _, err := (Codec{}).NewEncoder(codec.Options{}); err == nil {
		t.Error("zero Codec made an encoder")
	}
}

// TestConceal loses one 20 ms frame of a vowel-like signal and compares
// the concealment with the original.
func TestConceal(t *testing.T) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		e, d := newPair(t, c)
		sig := make([]int16, 8*160)
		for i := range sig {
			var v float64
			for k := 1; k*130 < 3400; k++ {
				v += math.Sin(2*math.Pi*130*float64(k)*float64(i)/SampleRate+float64(k)) / float64(k)
			}
			sig[i] = int16(3000 * v)
		}
		clean := make([]int16, len(sig))
		out := make([]int16, len(sig))
		pay := make([]byte, 160)
		for f := range 8 {
			in, o := sig[f*160:(f+1)*160], out[f*160:(f+1)*160]
			e.Encode(in, pay)
			for i, b := range pay {
				clean[f*160+i] = c.dec[b]
			}
			if f == 4 {
				if n, err := d.Conceal(nil, o); err != nil || n != 160 {
					t.Fatal(n, err)
				}
				continue
			}
			d.Decode(pay, o)
		}
		s := codectest.SNR(clean[640:800], out[640:800])
		t.Logf("%s: 20 ms loss concealed at %.1f dB SNR", c.info.Name, s)
		if s < 5 {
			t.Errorf("%s: concealment SNR %.1f dB", c.info.Name, s)
		}
	}
}

func TestNoAllocs(t *testing.T) {
	e, d := newPair(t, PCMA())
	codectest.NoAllocs(t, e, d, codectest.Sine(SampleRate, 440, 8000, 160), make([]byte, 160), make([]int16, 160))
}

func BenchmarkEncode20ms(b *testing.B) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		b.Run(c.info.Name, func(b *testing.B) {
			e, _ := newPair(b, c)
			in := codectest.Sine(SampleRate, 440, 8000, 160)
			pay := make([]byte, 160)
			b.ReportAllocs()
			for b.Loop() {
				e.Encode(in, pay)
			}
		})
	}
}

// coded is a decoder of c with one 20 ms frame of a 440 Hz tone coded
// for it and room for the frame's samples.
func coded(b *testing.B, c Codec) (codec.Decoder, []byte, []int16) {
	e, d := newPair(b, c)
	pay := make([]byte, 160)
	e.Encode(codectest.Sine(SampleRate, 440, 8000, 160), pay)
	return d, pay, make([]int16, 160)
}

func BenchmarkDecode20ms(b *testing.B) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		b.Run(c.info.Name, func(b *testing.B) {
			d, pay, out := coded(b, c)
			b.ReportAllocs()
			for b.Loop() {
				d.Decode(pay, out)
			}
		})
	}
}

func BenchmarkConceal20ms(b *testing.B) {
	d, pay, out := coded(b, PCMU())
	b.ReportAllocs()
	for b.Loop() {
		d.Decode(pay, out)
		d.Conceal(nil, out)
	}
}
