package tray

import (
	"bytes"
	"encoding/binary"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestIconsDiffer(t *testing.T) {
	seen := map[string]Icon{}
	for _, k := range []Icon{IconOffline, IconRegistered, IconRinging} {
		b := iconPNG(k)
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("icon %d: %v", k, err)
		}
		if s := img.Bounds().Size(); s.X != iconSize || s.Y != iconSize {
			t.Errorf("icon %d is %v", k, s)
		}
		// The corner is outside the disc; the middle is the handset.
		if _, _, _, a := img.At(0, 0).RGBA(); a != 0 {
			t.Errorf("icon %d: corner alpha %d, want transparent", k, a)
		}
		if r, g, b, _ := img.At(16, 16).RGBA(); r>>8 != 0xff || g>>8 != 0xff || b>>8 != 0xff {
			t.Errorf("icon %d: middle %x %x %x, want the white handset", k, r>>8, g>>8, b>>8)
		}
		// The disc's colour tells the state.
		if got, want := colourOf(img.At(4, 16)), iconColours[k]; got != [4]uint8{want.R, want.G, want.B, want.A} {
			t.Errorf("icon %d: disc %v, want %v", k, got, want)
		}
		if o, dup := seen[string(b)]; dup {
			t.Errorf("icons %d and %d are the same picture", o, k)
		}
		seen[string(b)] = k
		if dir := os.Getenv("SOFTPHONE_SCREENSHOT_DIR"); dir != "" {
			_ = os.WriteFile(filepath.Join(dir, "tray-icon-"+[]string{"offline", "registered", "ringing"}[k]+".png"), b, 0o644)
		}
	}
}

func colourOf(c interface{ RGBA() (r, g, b, a uint32) }) [4]uint8 {
	r, g, b, a := c.RGBA()
	return [4]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), uint8(a >> 8)}
}

func TestIconICO(t *testing.T) {
	b := iconICO(IconRinging)
	var hdr struct {
		Reserved, Type, Count uint16
		W, H, Colours, _      uint8
		Planes, BPP           uint16
		Size, Offset          uint32
		HdrSize               uint32
		BW, BH                int32
	}
	if err := binary.Read(bytes.NewReader(b), binary.LittleEndian, &hdr); err != nil {
		t.Fatal(err)
	}
	if hdr.Type != 1 || hdr.Count != 1 || hdr.W != iconSize || hdr.BPP != 32 || hdr.Offset != 22 || hdr.HdrSize != 40 || hdr.BW != iconSize || hdr.BH != 2*iconSize {
		t.Fatalf("header %+v", hdr)
	}
	if int(hdr.Offset+hdr.Size) != len(b) {
		t.Fatalf("image bytes %d at %d, file %d", hdr.Size, hdr.Offset, len(b))
	}
	// The first stored row is the bottom one; pixel (4,16) is row 15 from
	// the bottom, in BGRA.
	img := drawIcon(IconRinging)
	off := 22 + 40 + (15*iconSize+4)*4
	c := img.NRGBAAt(4, 16)
	if got, want := b[off:off+4], []byte{c.B, c.G, c.R, c.A}; !bytes.Equal(got, want) {
		t.Errorf("pixel (4,16) stored as %v, want %v", got, want)
	}
}
