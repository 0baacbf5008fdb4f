package g711

// Companding per ITU-T G.711. The encoders work on the standard's input
// resolution (14-bit for μ-law, 13-bit for A-law), so each table entry
// covers all 16-bit values sharing the top 14 bits. Negative inputs take the
// one's complement (-x-1) as their magnitude, as the standard's reference
// implementation does, which keeps every 16-bit group on one code.
//
// The tables are computed once and never written again.
var (
	ulawEncTable = buildUlawEnc()
	alawEncTable = buildAlawEnc()
	ulawDecTable = buildDec(ulawDecode)
	alawDecTable = buildDec(alawDecode)
)

const (
	ulawBias = 33   // μ-law's offset on the 14-bit magnitude
	ulawClip = 8191 // largest biased 14-bit magnitude
)

// ulawEncode maps a 14-bit signed sample to its μ-law code.
func ulawEncode(x int) byte {
	var sign byte // set for negative; all bits are inverted at the end
	if x < 0 {
		x = ^x
		sign = 0x80
	}
	m := min(x+ulawBias, ulawClip)
	// Segment s holds the biased magnitudes 32<<s .. 64<<s - 1.
	seg := 0
	for m >= 64<<seg {
		seg++
	}
	mant := (m >> (seg + 1)) & 0x0F
	return ^(sign | byte(seg)<<4 | byte(mant))
}

// ulawDecode maps a μ-law code to the middle of its interval, 16-bit.
func ulawDecode(c byte) int16 {
	c = ^c
	seg := int(c>>4) & 7
	mant := int(c) & 0x0F
	m := ((2*mant + ulawBias) << seg) - ulawBias // 14-bit magnitude
	if c&0x80 != 0 {
		return int16(-m * 4)
	}
	return int16(m * 4)
}

// alawEncode maps a 13-bit signed sample to its A-law code.
func alawEncode(x int) byte {
	sign := byte(0x80) // A-law marks positive samples with the top bit
	if x < 0 {
		x = ^x
		sign = 0
	}
	m := x // 12-bit magnitude
	var seg, mant int
	if m >= 32 {
		// Segment s ≥ 1 holds magnitudes 16<<s .. 32<<s - 1.
		seg = 1
		for m >= 32<<seg {
			seg++
		}
		mant = (m >> seg) & 0x0F
	} else {
		mant = m >> 1
	}
	return (sign | byte(seg)<<4 | byte(mant)) ^ 0x55
}

// alawDecode maps an A-law code to the middle of its interval, 16-bit.
func alawDecode(c byte) int16 {
	c ^= 0x55
	seg := int(c>>4) & 7
	mant := int(c) & 0x0F
	m := 2*mant + 1 // 12-bit magnitude
	if seg > 0 {
		m = (2*mant + 33) << (seg - 1)
	}
	if c&0x80 == 0 {
		return int16(-m * 8)
	}
	return int16(m * 8)
}

// buildUlawEnc indexes μ-law codes by the top 14 bits of a 16-bit sample.
func buildUlawEnc() *[1 << 14]byte {
	var t [1 << 14]byte
	for i := range t {
		t[i] = ulawEncode(int(int16(uint16(i)<<2)) >> 2)
	}
	return &t
}

// buildAlawEnc indexes A-law codes by the top 14 bits of a 16-bit sample,
// like μ-law, so both encoders run the same loop; pairs of entries agree.
func buildAlawEnc() *[1 << 14]byte {
	var t [1 << 14]byte
	for i := range t {
		t[i] = alawEncode(int(int16(uint16(i)<<2)) >> 3)
	}
	return &t
}

func buildDec(f func(byte) int16) *[256]int16 {
	var t [256]int16
	for c := range t {
		t[c] = f(byte(c))
	}
	return &t
}
