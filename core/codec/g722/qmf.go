package g722

// analysis is the transmit QMF: it splits 16 kHz input into the lower and
// higher 8 kHz sub-bands.
type analysis struct {
	x [24]int32 // input, x[0] the newest
}

// split takes two input samples, older first, and returns the sub-band
// samples at 15-bit scale (the 16-bit input is halved, which is the
// headroom the standard's 14-bit input path had).
func (a *analysis) split(older, newer int16) (lo, hi int32) {
	copy(a.x[2:], a.x[:22])
	a.x[1], a.x[0] = int32(older), int32(newer)
	var even, odd int32
	for i := 0; i < 24; i += 2 {
		even += qmfCoef[i] * a.x[i]
		odd += qmfCoef[i+1] * a.x[i+1]
	}
	// Taps are scaled by 2^13, one more bit for summing two filters.
	return (even + odd) >> 14, (even - odd) >> 14
}

// synthesis is the receive QMF: it merges the sub-bands back to 16 kHz.
type synthesis struct {
	diff, sum [12]int32 // rl-rh and rl+rh, [0] the newest
}

// merge takes one pair of sub-band samples and returns two output samples
// in time order.
func (q *synthesis) merge(rl, rh int32) (first, second int16) {
	copy(q.diff[1:], q.diff[:11])
	copy(q.sum[1:], q.sum[:11])
	q.diff[0], q.sum[0] = sat16(rl-rh), sat16(rl+rh)
	var a, b int32
	for i := range 12 {
		a += qmfCoef[2*i] * q.diff[i]
		b += qmfCoef[2*i+1] * q.sum[i]
	}
	// 2^13 tap scale, times the standard's gain of 2, back to 16 bits.
	return int16(sat16(a >> 11)), int16(sat16(b >> 11))
}
