package g722

import "fmt"

// lag is the delay of the QMF pair, in 16 kHz samples: the decoder's
// output trails the encoder's input by this much.
const lag = 22

// reencoder codes concealed audio into the decoder's state, so that the
// ADPCM prediction and scale follow the made-up audio through a loss
// instead of resuming from where the last real packet left them, which
// otherwise costs several dB of SNR for tens of milliseconds afterwards.
type reencoder struct {
	qmf     analysis
	recent  [24]int16 // output just before the loss
	ahead   [lag]int16
	unfaded []int16 // concealment before its fade-out: the far end did not fade
}

// Conceal fills pcm (an even number of samples) for a lost packet; next
// is not used, G.722 carries no redundancy.
func (d *Decoder) Conceal(_ []byte, pcm []int16) (int, error) {
	n := len(pcm)
	if n%2 != 0 {
		return 0, fmt.Errorf("g722: odd frame of %d samples", n)
	}
	r := &d.re
	start := !d.plc.Concealing()
	if start {
		d.plc.Recent(r.recent[:])
	}
	if cap(r.unfaded) < n {
		r.unfaded = make([]int16, n)
	}
	src := r.unfaded[:n]
	d.plc.ConcealUnfaded(pcm, src)
	d.plc.Ahead(r.ahead[:])

	// Output at time t came from encoder input at t-lag, so the encoder
	// input matching this frame's output is the concealment lag samples
	// further on: the frame's tail and what the concealment will make next.
	at := func(i int) int16 {
		switch {
		case i < 0:
			return r.recent[len(r.recent)+i]
		case i < n:
			return src[i]
		default:
			return r.ahead[i-n]
		}
	}
	if start {
		for k := range r.qmf.x {
			r.qmf.x[k] = int32(at(lag - 1 - k))
		}
	}
	for i := lag; i < n+lag; i += 2 {
		xl, xh := r.qmf.split(at(i), at(i+1))
		il := d.lo.quantLow(sat16(xl - d.lo.s))
		ih := d.hi.quantHigh(sat16(xh - d.hi.s))
		d.decodeByte(byte(ih<<6 | il))
	}
	return n, nil
}
