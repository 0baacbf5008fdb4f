package g722

import (
	"hash/fnv"
	"math"
	"testing"
)

// TestGolden pins the exact bitstream and decoded samples of a fixed
// signal. The values were checked bit-exact against an independent G.722
// implementation when this was written (its decoder differed only in
// wrapping where this one saturates at full scale), so a change here is a
// change of codec behaviour, not a refactoring.
func TestGolden(t *testing.T) {
	const n = 16000
	sig := make([]int16, n)
	seed := uint32(1)
	for i := range sig {
		seed = seed*1664525 + 1013904223 // deterministic noise
		x := float64(i) / SampleRate
		v := 9000*math.Sin(2*math.Pi*(200+1500*x)*x) + 3000*math.Sin(2*math.Pi*5500*x) +
			float64(int32(seed)>>20)
		sig[i] = int16(v)
	}
	e, d := newPair(t)
	pay := make([]byte, n/2)
	e.Encode(sig, pay)
	out := make([]int16, n)
	d.Decode(pay, out)
	hp := fnv.New64a()
	hp.Write(pay)
	ho := fnv.New64a()
	for _, v := range out {
		ho.Write([]byte{byte(v), byte(v >> 8)})
	}
	if got, want := hp.Sum64(), uint64(0xef58ae376ced228b); got != want {
		t.Errorf("bitstream hash %#x, want %#x", got, want)
	}
	if got, want := ho.Sum64(), uint64(0x1172b7c1480ce97c); got != want {
		t.Errorf("decoded hash %#x, want %#x", got, want)
	}
}
