package g722

// band is the ADPCM state of one sub-band: the adaptive quantizer's scale
// factor and the two-pole, six-zero predictor. Encoder and decoder run
// identical copies in lock step, fed the same quantized differences.
type band struct {
	nb  int32 // log scale factor (NBL, NBH)
	det int32 // linear scale factor (DETL, DETH)

	s  int32 // signal estimate for the coming sample (SL, SH)
	sz int32 // its zero-section part (SZL, SZH)

	r1     int32    // reconstructed signal one sample back
	p1, p2 int32    // partially reconstructed signal one and two back
	a1, a2 int32    // pole coefficients
	b      [6]int32 // zero coefficients
	d      [6]int32 // quantized differences, d[0] one sample back
}

func newBand(det int32) band { return band{det: det} }

// scale updates the log scale factor by w (LOGSCL, LOGSCH) and converts it
// to the linear one (SCALEL, SCALEH).
func (b *band) scale(w, maxNB, shift int32) {
	nb := min(max((b.nb*127)>>7+w, 0), maxNB)
	b.nb = nb
	v := ilb[(nb>>6)&31]
	if e := shift - nb>>11; e >= 0 {
		v >>= e
	} else {
		v <<= -e
	}
	b.det = v << 2
}

// adapt takes the quantized difference dq of the current sample, updates
// the predictor and computes the estimate for the next sample.
func (b *band) adapt(dq int32) {
	r := sat16(b.s + dq)  // RECONS
	p := sat16(b.sz + dq) // PARREC

	// UPPOL2: second pole, leaky, pushed by sign agreement of p.
	t := sat16(b.a1 << 2)
	if sameSign(p, b.p1) {
		t = -t
	}
	t = min(t, 32767) >> 7
	if sameSign(p, b.p2) {
		t += 128
	} else {
		t -= 128
	}
	a2 := t + (b.a2*32512)>>15
	a2 = min(max(a2, -12288), 12288)

	// UPPOL1: first pole, bounded so the pole pair stays stable.
	step := int32(-192)
	if sameSign(p, b.p1) {
		step = 192
	}
	a1 := sat16(step + (b.a1*32640)>>15)
	lim := sat16(15360 - a2)
	a1 = min(max(a1, -lim), lim)

	// FILTEP: pole section of the next estimate.
	sp := sat16((a1*sat16(r+r))>>15 + (a2*sat16(b.r1+b.r1))>>15)
	b.r1, b.a1, b.a2 = r, a1, a2
	b.p2, b.p1 = b.p1, p

	// UPZERO: each zero leaks and follows the sign agreement of dq with
	// the difference it weighs; a zero dq only leaks.
	var g int32
	if dq != 0 {
		g = 128
	}
	for i := range b.d {
		v := (b.b[i] * 32640) >> 15
		if sameSign(dq, b.d[i]) {
			v += g
		} else {
			v -= g
		}
		b.b[i] = sat16(v)
	}

	// DELAYA and FILTEZ: zero section over dq and the five before it.
	copy(b.d[1:], b.d[:5])
	b.d[0] = dq
	var sz int32
	for i := range b.d {
		sz += (b.b[i] * sat16(b.d[i]+b.d[i])) >> 15
	}
	b.sz = sat16(sz)
	b.s = sat16(sp + b.sz) // PREDIC
}

// sameSign compares sign bits; zero counts as positive, as in the standard.
func sameSign(x, y int32) bool { return (x < 0) == (y < 0) }

func sat16(x int32) int32 { return min(max(x, -32768), 32767) }

// sat15 is the LIMIT block on reconstructed sub-band signals.
func sat15(x int32) int32 { return min(max(x, -16384), 16383) }

// Lower sub-band: 6-bit quantization of the prediction error.
func (b *band) quantLow(el int32) int32 {
	m := el
	if el < 0 {
		m = ^el // the standard's magnitude for negatives is -(el+1)
	}
	i := int32(1)
	for i < 30 && m >= (lowBound[i]*b.det)>>12 {
		i++
	}
	return lowEncode(el < 0, i)
}

// updateLow runs the lower band's adaptation for code il; the predictor
// only sees the 4-bit part so that 48 and 56 kbit/s decoders keep up.
func (b *band) updateLow(il int32) {
	c := il >> 2
	dq := (b.det * lowInv4[c]) >> 15 // INVQAL
	b.scale(lowLogWeight[lowLevIx[c]], lowMaxNB, lowShift)
	b.adapt(dq)
}

// Higher sub-band: 2-bit quantization of the prediction error.
func (b *band) quantHigh(eh int32) int32 {
	m := eh
	if eh < 0 {
		m = ^eh
	}
	code := int32(3) // positive inner
	if m >= (highBound*b.det)>>12 {
		code = 2
	}
	if eh < 0 {
		code -= 2
	}
	return code
}

// updateHigh runs the higher band's adaptation for code ih.
func (b *band) updateHigh(ih int32) {
	dq := (b.det * highInv[ih]) >> 15 // INVQAH
	b.scale(highLogWeight[highLevIx[ih]], highMaxNB, highShift)
	b.adapt(dq)
}
