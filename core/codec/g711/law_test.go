package g711

import "testing"

// interval is one quantisation step of a G.711 table: magnitudes in
// [lo, hi) map to the code with magnitude index n and decode to out.
type interval struct{ lo, hi, out int }

// ulawIntervals lists Table 2/G.711 on 14-bit magnitudes: eight segments
// of 16 steps each, the steps doubling from 2 to 256, the very first step
// only one wide and decoding to 0; other steps decode to their middle.
func ulawIntervals() []interval {
	var iv []interval
	lo := 0
	for seg := range 8 {
		w := 2 << seg
		for n := range 16 {
			hi := lo + w
			if seg == 0 && n == 0 {
				hi = 1
				iv = append(iv, interval{lo, hi, 0})
				lo = hi
				continue
			}
			iv = append(iv, interval{lo, hi, (lo + hi) / 2})
			lo = hi
		}
	}
	return iv // ends at 8159; larger magnitudes clip into the last step
}

// alawIntervals lists Table 1/G.711 on 12-bit magnitudes: segments 0 and
// 1 have steps of 2, then the steps double to 128; outputs are middles.
func alawIntervals() []interval {
	var iv []interval
	lo := 0
	for seg := range 8 {
		w := 2 << max(seg-1, 0)
		for range 16 {
			iv = append(iv, interval{lo, lo + w, lo + w/2})
			lo += w
		}
	}
	return iv
}

func TestKnownValues(t *testing.T) {
	u, a := PCMU(), PCMA()
	for _, c := range []struct {
		name string
		enc  *[1 << 14]byte
		in   int16
		want byte
	}{
		{"μ", u.enc, 0, 0xFF}, {"μ", u.enc, -1, 0x7F}, {"μ", u.enc, 32767, 0x80}, {"μ", u.enc, -32768, 0x00},
		{"μ", u.enc, 8, 0xFE}, {"μ", u.enc, -8, 0x7E},
		{"A", a.enc, 0, 0xD5}, {"A", a.enc, -1, 0x55}, {"A", a.enc, 32767, 0xAA}, {"A", a.enc, -32768, 0x2A},
		{"A", a.enc, 16, 0xD4}, {"A", a.enc, -17, 0x54},
	} {
		if got := c.enc[uint16(c.in)>>2]; got != c.want {
			t.Errorf("%s-law encode %d = %#02x, want %#02x", c.name, c.in, got, c.want)
		}
	}
	for _, c := range []struct {
		name string
		dec  *[256]int16
		in   byte
		want int16
	}{
		{"μ", u.dec, 0xFF, 0}, {"μ", u.dec, 0x7F, 0}, {"μ", u.dec, 0x80, 32124}, {"μ", u.dec, 0x00, -32124},
		{"μ", u.dec, 0xFE, 8}, {"μ", u.dec, 0xEF, 132}, {"μ", u.dec, 0xDF, 396},
		{"A", a.dec, 0xD5, 8}, {"A", a.dec, 0x55, -8}, {"A", a.dec, 0xAA, 32256}, {"A", a.dec, 0x2A, -32256},
		{"A", a.dec, 0xC5, 264}, {"A", a.dec, 0xF5, 528},
	} {
		if got := c.dec[c.in]; got != c.want {
			t.Errorf("%s-law decode %#02x = %d, want %d", c.name, c.in, got, c.want)
		}
	}
}

// TestAgainstTables checks every 16-bit input against the standard's
// interval tables: the code's decoded value must be the output of the
// interval holding the input's magnitude, with the input's sign.
func TestAgainstTables(t *testing.T) {
	for _, law := range []struct {
		c     Codec
		iv    []interval
		shift uint // 16-bit to the table's magnitude resolution
		scale int  // table unit in 16-bit steps
	}{
		{PCMU(), ulawIntervals(), 2, 4},
		{PCMA(), alawIntervals(), 3, 8},
	} {
		name := law.c.Info().Name
		for x := -32768; x < 32768; x++ {
			v := x >> law.shift
			neg := v < 0
			mag := v
			if neg {
				mag = ^v
			}
			want := law.iv[len(law.iv)-1]
			for _, iv := range law.iv {
				if mag < iv.hi {
					want = iv
					break
				}
			}
			code := law.c.enc[uint16(x)>>2]
			got := int(law.c.dec[code])
			out := want.out * law.scale
			if neg {
				out = -out
			}
			if got != out {
				t.Fatalf("%s: %d encodes to %#02x = %d, want %d (interval %v)", name, x, code, got, out, want)
			}
			if code&0x80 == 0 != neg && !(name == "PCMU" && want.out == 0) {
				t.Fatalf("%s: %d encodes to %#02x, wrong sign bit", name, x, code)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		for code := range 256 {
			got := c.enc[uint16(c.dec[code])>>2]
			want := byte(code)
			if c.info.Name == "PCMU" && code == 0x7F {
				want = 0xFF // negative zero decodes to 0, which encodes positive
			}
			if got != want {
				t.Errorf("%s: code %#02x → %d → %#02x", c.info.Name, code, c.dec[code], got)
			}
		}
	}
}

// TestMonotonic checks codes never decode to a smaller value for a larger
// input, which catches a misplaced segment boundary.
func TestMonotonic(t *testing.T) {
	for _, c := range []Codec{PCMU(), PCMA()} {
		prev := int16(-32768)
		for x := -32768; x < 32768; x++ {
			v := c.dec[c.enc[uint16(x)>>2]]
			if v < prev {
				t.Fatalf("%s: decode(encode(%d)) = %d < %d", c.info.Name, x, v, prev)
			}
			prev = v
		}
	}
}
