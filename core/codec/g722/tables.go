package g722

// Constant data of ITU-T G.722. The standard's tables are written here by
// magnitude; the tables indexed by transmitted code are derived from them
// (see code.go) once at start-up and only read afterwards.

// qmfCoef are the 24 QMF taps h0..h23, scaled by 2^13.
var qmfCoef = [24]int32{
	3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876,
	3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
}

// lowBound[m] is the upper decision level of magnitude interval m (1..29)
// of the 6-bit lower sub-band quantizer, in units of DETL/4096; interval 30
// is open-ended.
var lowBound = [30]int32{
	0, 35, 72, 110, 150, 190, 233, 276, 323, 370,
	422, 473, 530, 587, 650, 714, 786, 858, 940, 1023,
	1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195, 2557, 2919,
}

// lowLevel6[m] is the 6-bit inverse quantizer's output for interval m.
var lowLevel6 = [31]int32{
	0, 17, 54, 91, 130, 170, 211, 254, 300, 347, 396,
	447, 501, 558, 618, 682, 750, 822, 899, 982, 1072,
	1170, 1279, 1399, 1535, 1689, 1873, 2088, 2376, 2738, 3101,
}

// lowLevel4[k] is the 4-bit inverse quantizer's output for level k, which
// merges the 6-bit intervals 4k-1 .. 4k+2 (level 0: intervals 1 and 2).
var lowLevel4 = [8]int32{0, 150, 323, 530, 786, 1121, 1612, 2557}

// lowLogWeight[k] moves the lower band's log scale factor after level k.
var lowLogWeight = [8]int32{-60, -30, 58, 172, 334, 538, 1198, 3042}

// The higher sub-band's 2-bit quantizer: one decision level, two outputs,
// and the log scale factor steps after the inner and outer interval.
const highBound = 564

var (
	highLevel     = [3]int32{0, 202, 926}
	highLogWeight = [3]int32{0, -214, 798}
)

// ilb is the base of the log→linear scale factor conversion (SCALEL),
// 2048·2^(i/32) as the standard tabulates it.
var ilb = [32]int32{
	2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383,
	2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834,
	2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371,
	3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
}

// Scale factor limits and the start values of the linear scale factors.
const (
	lowMaxNB  = 18432
	highMaxNB = 22528
	lowShift  = 8 // SCALEL's exponent offset
	highShift = 10
	lowDet0   = 32
	highDet0  = 8
)
