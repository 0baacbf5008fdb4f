package widgets

import (
	"image"
	"image/color"
	"math"
	"testing"
)

// toYCbCr is the BT.601 limited-range encoding of an RGB colour, written
// from the standard's formulas (not from ScaleI420's constants).
func toYCbCr(r, g, b float64) (y, cb, cr uint8) {
	yy := 16 + (65.481*r+128.553*g+24.966*b)/255
	cbb := 128 + (-37.797*r-74.203*g+112.0*b)/255
	crr := 128 + (112.0*r-93.786*g-18.214*b)/255
	return uint8(math.Round(yy)), uint8(math.Round(cbb)), uint8(math.Round(crr))
}

// solid is a w×h I420 picture of one colour.
func solid(w, h int, c color.RGBA) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	y, cb, cr := toYCbCr(float64(c.R), float64(c.G), float64(c.B))
	for i := range img.Y {
		img.Y[i] = y
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = cb, cr
	}
	return img
}

func TestScaleI420Colours(t *testing.T) {
	colours := []color.RGBA{
		{0, 0, 0, 255}, {255, 255, 255, 255}, {255, 0, 0, 255}, {0, 255, 0, 255},
		{0, 0, 255, 255}, {128, 128, 128, 255}, {255, 200, 40, 255}, {30, 90, 160, 255},
	}
	for _, c := range colours {
		for _, size := range []image.Point{{32, 24}, {8, 6}, {100, 70}} {
			dst := image.NewRGBA(image.Rectangle{Max: size})
			ScaleI420(dst, solid(64, 48, c))
			for _, p := range []image.Point{{0, 0}, {size.X - 1, size.Y - 1}, {size.X / 2, size.Y / 3}} {
				got := dst.RGBAAt(p.X, p.Y)
				if diff(got.R, c.R) > 3 || diff(got.G, c.G) > 3 || diff(got.B, c.B) > 3 || got.A != 255 {
					t.Errorf("%v at %v (%v): got %v", c, size, p, got)
				}
			}
		}
	}
}

// TestScaleI420Geometry checks which source pixels land where: a picture
// with a left half and a right half, scaled down and up, keeps the
// boundary in the middle; and a sub-image is read from its own origin.
func TestScaleI420Geometry(t *testing.T) {
	src := solid(64, 48, color.RGBA{0, 0, 255, 255})
	right := solid(32, 48, color.RGBA{255, 0, 0, 255})
	for y := 0; y < 48; y++ {
		copy(src.Y[y*src.YStride+32:y*src.YStride+64], right.Y[y*right.YStride:y*right.YStride+32])
	}
	for y := 0; y < 24; y++ {
		copy(src.Cb[y*src.CStride+16:y*src.CStride+32], right.Cb[y*right.CStride:y*right.CStride+16])
		copy(src.Cr[y*src.CStride+16:y*src.CStride+32], right.Cr[y*right.CStride:y*right.CStride+16])
	}
	for _, w := range []int{16, 64, 160} {
		dst := image.NewRGBA(image.Rect(0, 0, w, 10))
		ScaleI420(dst, src)
		if l, r := dst.RGBAAt(w/2-1, 5), dst.RGBAAt(w/2, 5); l.B < 200 || r.R < 200 {
			t.Errorf("width %d: left of the middle %v, right %v", w, l, r)
		}
	}
	sub := src.SubImage(image.Rect(32, 0, 64, 48)).(*image.YCbCr)
	dst := image.NewRGBA(image.Rect(0, 0, 8, 8))
	ScaleI420(dst, sub)
	if c := dst.RGBAAt(0, 0); c.R < 200 || c.B > 40 {
		t.Errorf("sub-image's first pixel %v, want red", c)
	}
}

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		src, area image.Point
		want      image.Rectangle
	}{
		{image.Pt(640, 480), image.Pt(800, 600), image.Rect(0, 0, 800, 600)},
		{image.Pt(640, 480), image.Pt(1000, 600), image.Rect(100, 0, 900, 600)}, // bars on the sides
		{image.Pt(1280, 720), image.Pt(400, 400), image.Rect(0, 87, 400, 312)},  // bars above and below (225 high)
		{image.Pt(352, 288), image.Pt(360, 500), image.Rect(0, 103, 360, 397)},
		{image.Pt(0, 0), image.Pt(100, 100), image.Rectangle{}},
		{image.Pt(640, 480), image.Pt(0, 100), image.Rectangle{}},
	} {
		got := Fit(tc.src, tc.area)
		if got != tc.want {
			t.Errorf("Fit(%v, %v) = %v, want %v", tc.src, tc.area, got, tc.want)
		}
		if !got.Empty() && !got.In(image.Rectangle{Max: tc.area}) {
			t.Errorf("Fit(%v, %v) = %v leaves the area", tc.src, tc.area, got)
		}
	}
}

func diff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

func BenchmarkScaleI420(b *testing.B) {
	src := solid(640, 480, color.RGBA{30, 90, 160, 255})
	for _, size := range []image.Point{{320, 240}, {1280, 720}} {
		b.Run(size.String(), func(b *testing.B) {
			dst := image.NewRGBA(image.Rectangle{Max: size})
			b.ReportAllocs()
			for b.Loop() {
				ScaleI420(dst, src)
			}
		})
	}
}
