package g722

// Code-indexed tables derived from the standard's magnitude tables: the
// inverse quantizer outputs scaled by 8 so that det·level>>15 matches the
// decision levels' det·bound>>12, and the log weight index of each code.
var (
	lowInv6   = buildLowInv6()
	lowInv4   = buildLowInv4()
	lowLevIx  = buildLowLevIx()
	highInv   = buildHighInv()
	highLevIx = buildHighLevIx()
)

// lowCode is the sign and magnitude interval (1..30) of a 6-bit lower band
// code. Positive intervals count down from 61; negative ones from 63, 62
// then from 31 down to 4. Codes 0..3 are never sent; the decoder treats
// them as the smallest negative step.
func lowCode(il int) (neg bool, m int) {
	switch {
	case il >= 62:
		return true, 64 - il
	case il >= 32:
		return false, 62 - il
	case il >= 4:
		return true, 34 - il
	default:
		return true, 1
	}
}

// lowEncode is the 6-bit code of interval m with the given sign.
func lowEncode(neg bool, m int32) int32 {
	switch {
	case !neg:
		return 62 - m
	case m <= 2:
		return 64 - m
	default:
		return 34 - m
	}
}

// lowLevel4Of is the 4-bit level (0..7) an interval falls in.
func lowLevel4Of(m int) int { return (m + 1) / 4 }

func buildLowInv6() *[64]int32 {
	var t [64]int32
	for il := range t {
		neg, m := lowCode(il)
		t[il] = signed(neg, 8*lowLevel6[m])
	}
	return &t
}

// buildLowInv4 indexes the 4-bit inverse quantizer by il>>2; the four
// 6-bit codes sharing those bits always share sign and 4-bit level.
func buildLowInv4() *[16]int32 {
	var t [16]int32
	for c := range t {
		neg, m := lowCode(c << 2)
		t[c] = signed(neg, 8*lowLevel4[lowLevel4Of(m)])
	}
	return &t
}

// buildLowLevIx gives the 4-bit level of the codes with top four bits c,
// which picks the log scale factor weight.
func buildLowLevIx() *[16]int32 {
	var t [16]int32
	for c := range t {
		_, m := lowCode(c << 2)
		t[c] = int32(lowLevel4Of(m))
	}
	return &t
}

// Higher band codes: bit 1 set is positive, bit 0 set is the inner level.
func highCode(ih int) (neg bool, m int) {
	m = 2
	if ih&1 != 0 {
		m = 1
	}
	return ih&2 == 0, m
}

func buildHighInv() *[4]int32 {
	var t [4]int32
	for ih := range t {
		neg, m := highCode(ih)
		t[ih] = signed(neg, 8*highLevel[m])
	}
	return &t
}

func buildHighLevIx() *[4]int32 {
	var t [4]int32
	for ih := range t {
		_, m := highCode(ih)
		t[ih] = int32(m)
	}
	return &t
}

func signed(neg bool, v int32) int32 {
	if neg {
		return -v
	}
	return v
}
