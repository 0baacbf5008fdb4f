package plc

// wave plays the last n samples of a history over and over.
type wave struct {
	buf   []float32 // capacity for the longest repetition
	n     int       // samples in one repetition
	phase int       // next sample to play
}

// build takes the last n samples of src, and cross-fades its last overlap
// samples into the ones just before the repeated stretch in src, so that
// the jump from the end back to the start is as smooth as the original
// signal was there.
func (w *wave) build(src []int16, n, overlap int) {
	start := len(src) - n
	for i := range n {
		w.buf[i] = float32(src[start+i])
	}
	for j := range overlap {
		f := float32(j+1) / float32(overlap+1)
		k := n - overlap + j
		w.buf[k] = (1-f)*w.buf[k] + f*float32(src[start-overlap+j])
	}
	w.n = n
}

func (w *wave) next() float32 {
	v := w.buf[w.phase]
	w.phase++
	if w.phase == w.n {
		w.phase = 0
	}
	return v
}
