package video

import (
	"image"
	"testing"
)

// BT.601 limited-range values of pure colours, from the standard's
// equations (Y = 16 + 65.481R + 128.553G + 24.966B for R, G, B in 0..1).
var knownColours = []struct {
	name       string
	r, g, b    byte
	y, cb, cr  int
	rgbx       uint32 // as an X server stores the pixel (0x00RRGGBB)
	quadX, qdY int    // which quadrant of the test picture has it
}{
	{"red", 255, 0, 0, 81, 90, 240, 0xff0000, 0, 0},
	{"green", 0, 255, 0, 145, 54, 34, 0x00ff00, 1, 0},
	{"blue", 0, 0, 255, 41, 240, 110, 0x0000ff, 0, 1},
	{"white", 255, 255, 255, 235, 128, 128, 0xffffff, 1, 1},
}

// tolerance for the integer approximation and scaling.
const tolerance = 3

// quadrants paints a w×h BGRX picture with the known colours in its four
// quadrants.
func quadrants(w, h int) []byte {
	b := make([]byte, w*h*4)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			qx, qy := 2*x/w, 2*y/h
			for _, c := range knownColours {
				if c.quadX == qx && c.qdY == qy {
					i := (y*w + x) * 4
					b[i], b[i+1], b[i+2], b[i+3] = c.b, c.g, c.r, 0
				}
			}
		}
	}
	return b
}

// checkQuadrants checks the colour at the centre of each quadrant of the
// w×h area at (ox, oy) of img.
func checkQuadrants(t *testing.T, img *image.YCbCr, ox, oy, w, h int) {
	t.Helper()
	for _, c := range knownColours {
		x := ox + c.quadX*w/2 + w/4
		y := oy + c.qdY*h/2 + h/4
		gotY := int(img.Y[img.YOffset(x, y)])
		gotCb, gotCr := int(img.Cb[img.COffset(x, y)]), int(img.Cr[img.COffset(x, y)])
		if abs(gotY-c.y) > tolerance || abs(gotCb-c.cb) > tolerance || abs(gotCr-c.cr) > tolerance {
			t.Errorf("%s at (%d,%d): YCbCr %d,%d,%d; want %d,%d,%d", c.name, x, y, gotY, gotCb, gotCr, c.y, c.cb, c.cr)
		}
	}
}

func abs(v int) int { return max(v, -v) }

func TestConvertColours(t *testing.T) {
	for _, tc := range []struct{ sw, sh, w, h int }{
		{64, 48, 64, 48},     // as is
		{65, 49, 64, 48},     // odd: cropped
		{400, 300, 200, 150}, // scaled down
		{1920, 1080, 1280, 720},
	} {
		var p picture
		var s scaler
		img := p.resize(tc.w, tc.h)
		s.convert(img, quadrants(tc.sw, tc.sh), tc.sw*4, tc.sw, tc.sh)
		checkQuadrants(t, img, 0, 0, tc.w, tc.h)
	}
}

// Thin lines (text) halved must turn grey, not vanish or double.
func TestScaleAverages(t *testing.T) {
	const sw, sh = 400, 300
	src := make([]byte, sw*sh*4)
	for i := 0; i < sw*sh; i += 2 { // white even columns, black odd
		src[4*i], src[4*i+1], src[4*i+2] = 255, 255, 255
	}
	var p picture
	var s scaler
	img := p.resize(200, 150)
	s.convert(img, src, sw*4, sw, sh)
	for i, v := range img.Y {
		if v < 116 || v > 136 {
			t.Fatalf("Y[%d] = %d, want mid grey (126)", i, v)
		}
	}
}

func TestFitSize(t *testing.T) {
	for _, tc := range []struct{ sw, sh, mw, mh, w, h int }{
		{1920, 1080, 1280, 720, 1280, 720},
		{1280, 720, 1280, 720, 1280, 720},
		{1281, 721, 0, 0, 1280, 720},
		{1000, 1000, 1280, 720, 720, 720},
		{3840, 1600, 1280, 720, 1280, 532},
		{1280, 1024, 640, 0, 640, 512},
		{800, 600, 1280, 720, 800, 600},
		{1, 1, 0, 0, 0, 0},
	} {
		if w, h := fitSize(tc.sw, tc.sh, tc.mw, tc.mh); w != tc.w || h != tc.h {
			t.Errorf("fitSize(%d,%d,%d,%d) = %d×%d, want %d×%d", tc.sw, tc.sh, tc.mw, tc.mh, w, h, tc.w, tc.h)
		}
	}
}

func TestPictureReusesMemory(t *testing.T) {
	var p picture
	big := p.resize(640, 480)
	base := &p.buf[0]
	small := p.resize(320, 240)
	if small != big || &p.buf[0] != base {
		t.Fatal("shrinking reallocated the picture")
	}
	if small.Rect.Dx() != 320 || small.YStride != 320 || len(small.Cb) != 160*120 || len(small.Cr) != 160*120 {
		t.Fatalf("resized picture: rect %v stride %d, chroma %d/%d", small.Rect, small.YStride, len(small.Cb), len(small.Cr))
	}
}

func TestYUYVToI420(t *testing.T) {
	const w, h = 6, 4
	stride := 2*w + 4 // padded rows, as some drivers give
	src := make([]byte, stride*h)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x += 2 {
			i := y*stride + 2*x
			src[i], src[i+2] = byte(10*y+x), byte(10*y+x+1)
			src[i+1], src[i+3] = byte(100+y), byte(200-y) // U, V vary by row
		}
	}
	var p picture
	img := p.resize(w, h)
	yuyvToI420(img, src, stride)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if got := img.Y[y*img.YStride+x]; got != byte(10*y+x) {
				t.Fatalf("Y(%d,%d) = %d, want %d", x, y, got, 10*y+x)
			}
		}
	}
	// Rows 0,1 average to U 100.5→101, V 199.5→200; rows 2,3 to 103, 198.
	if img.Cb[0] != 101 || img.Cr[0] != 200 || img.Cb[img.CStride] != 103 || img.Cr[img.CStride] != 198 {
		t.Fatalf("chroma %d,%d / %d,%d", img.Cb[0], img.Cr[0], img.Cb[img.CStride], img.Cr[img.CStride])
	}
}

func BenchmarkConvert(b *testing.B) {
	for _, tc := range []struct {
		name           string
		sw, sh, mw, mh int
	}{
		{"1280x720", 1280, 720, 0, 0},
		{"1920x1080to1280x720", 1920, 1080, 1280, 720},
	} {
		b.Run(tc.name, func(b *testing.B) {
			src := quadrants(tc.sw, tc.sh)
			var p picture
			var s scaler
			w, h := fitSize(tc.sw, tc.sh, tc.mw, tc.mh)
			s.convert(p.resize(w, h), src, tc.sw*4, tc.sw, tc.sh)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				s.convert(p.resize(w, h), src, tc.sw*4, tc.sw, tc.sh)
			}
		})
	}
}

func BenchmarkYUYVToI420(b *testing.B) {
	const w, h = 1280, 720
	src := make([]byte, 2*w*h)
	var p picture
	img := p.resize(w, h)
	b.ReportAllocs()
	for b.Loop() {
		yuyvToI420(img, src, 2*w)
	}
}
