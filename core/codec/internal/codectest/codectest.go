// Package codectest holds the test signals and measures the codec tests
// share. It is imported only by tests.
package codectest

import (
	"math"
	"testing"

	"github.com/softphone/softphone/core/codec"
)

// Sine is n samples of a freq Hz tone of amplitude amp at rate Hz.
func Sine(rate, freq, amp float64, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * math.Sin(2*math.Pi*freq*float64(i)/rate))
	}
	return out
}

// SNR is the ratio of ref's energy to the energy of got-ref, in dB.
func SNR(ref, got []int16) float64 {
	var s, e float64
	for i := range ref {
		d := float64(got[i]) - float64(ref[i])
		s += float64(ref[i]) * float64(ref[i])
		e += d * d
	}
	return 10 * math.Log10(s/max(e, 1e-9))
}

// Goertzel is the power of x, sampled at rate Hz, at freq Hz.
func Goertzel(x []int16, rate, freq float64) float64 {
	c := 2 * math.Cos(2*math.Pi*freq/rate)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = float64(v)+c*s1-s2, s1
	}
	return s1*s1 + s2*s2 - c*s1*s2
}

// RMS is the root mean square of x.
func RMS(x []int16) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(len(x)))
}

// NewPair makes an encoder with o and a decoder of c, failing t if
// either cannot be made.
func NewPair(t testing.TB, c codec.Codec, o codec.Options) (codec.Encoder, codec.Decoder) {
	t.Helper()
	e, err := c.NewEncoder(o)
	if err != nil {
		t.Fatal(err)
	}
	d, err := c.NewDecoder()
	if err != nil {
		t.Fatal(err)
	}
	return e, d
}

// NoAllocs fails t if coding in into pay, decoding pay into out or
// concealing into out allocates.
func NoAllocs(t *testing.T, e codec.Encoder, d codec.Decoder, in []int16, pay []byte, out []int16) {
	t.Helper()
	if a := testing.AllocsPerRun(100, func() {
		e.Encode(in, pay)
		d.Decode(pay, out)
		d.Conceal(nil, out)
	}); a != 0 {
		t.Fatalf("%v allocs", a)
	}
}
