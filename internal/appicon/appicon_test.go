package appicon

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestDrawsTheIcon checks pixels the SVG fixes: the blue face, the white
// handset, the transparent cut-off corners.
func TestDrawsTheIcon(t *testing.T) {
	ic, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	img := ic.Draw(64)
	blue := color.NRGBA{0x15, 0x65, 0xc0, 0xff}
	white := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	for _, c := range []struct {
		x, y int
		want color.NRGBA
	}{
		{32, 3, blue},   // top edge, inside the rounded rectangle
		{60, 32, blue},  // right edge
		{25, 20, white}, // the handset's upper end (path runs x 19-31, y 13-28 there)
		{45, 48, white}, // its lower end
		{10, 50, blue},  // left of the handset
	} {
		if got := img.NRGBAAt(c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	if a := img.NRGBAAt(0, 0).A; a != 0 {
		t.Errorf("corner alpha %d: the rounded corner is not cut", a)
	}
}

func TestICOHoldsEverySize(t *testing.T) {
	ic, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	sizes := []int{16, 32, 48, 256}
	b, err := ic.ICO(sizes...)
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	if le.Uint16(b[2:]) != 1 || int(le.Uint16(b[4:])) != len(sizes) {
		t.Fatalf("header % x", b[:6])
	}
	for i, s := range sizes {
		e := b[6+16*i:]
		size, off := int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
		img, err := png.Decode(bytes.NewReader(b[off : off+size]))
		if err != nil {
			t.Fatalf("entry %d: %v", i, err)
		}
		if img.Bounds() != image.Rect(0, 0, s, s) || int(e[0])%256 != s%256 {
			t.Fatalf("entry %d: %v, header says %d", i, img.Bounds(), e[0])
		}
	}
	if _, err := ic.ICO(300); err == nil {
		t.Fatal("a 300-pixel entry was accepted")
	}
}

func TestParseRefusesWhatItCannotDraw(t *testing.T) {
	for _, svg := range []string{
		`<svg viewBox="0 0 64 32"></svg>`,
		`<svg viewBox="0 0 64 64"><path fill="#fff" d="M0 0 A 1 1 0 0 1 5 5z"/></svg>`,
		`<svg viewBox="0 0 64 64"><path fill="#fff" d="M0 0 L 5"/></svg>`,
		`<svg viewBox="0 0 64 64"><path fill="red" d="M0 0 L 5 5z"/></svg>`,
		`<svg viewBox="0 0 64 64"><path fill="#fff" d="1 2"/></svg>`,
	} {
		if _, err := Parse([]byte(svg)); err == nil {
			t.Errorf("accepted %s", svg)
		}
	}
	ops, err := parsePath("M1 2l3-1h1v.5.5c1 1 2 2 3 3z")
	if err != nil || len(ops) != 7 { // M l h v v c z
		t.Fatalf("%v %v", ops, err)
	}
	if last := ops[5].pts; last[4] != 8 || last[5] != 5 {
		t.Fatalf("relative curve ends at %v", last[4:])
	}
}
