package audio

import (
	"slices"
	"testing"
)

// FitFrame keeps a resampler's ±1 sample from changing the frame size.
func TestFitFrame(t *testing.T) {
	for _, c := range []struct {
		in   []int16
		cap  int
		n    int
		want []int16
	}{
		{[]int16{1, 2, 3}, 4, 4, []int16{1, 2, 3, 3}}, // one short: the last sample again
		{[]int16{1, 2, 3, 4, 5}, 5, 4, []int16{1, 2, 3, 4}},
		{[]int16{1, 2, 3, 4}, 4, 4, []int16{1, 2, 3, 4}},
		{[]int16{}, 2, 2, []int16{0, 0}},
		{[]int16{7}, 1, 3, []int16{7}}, // no room to pad: left short
	} {
		buf := make([]int16, len(c.in), c.cap)
		copy(buf, c.in)
		if got := FitFrame(buf, c.n); !slices.Equal(got, c.want) {
			t.Errorf("FitFrame(%v, %d) = %v, want %v", c.in, c.n, got, c.want)
		}
	}
}
