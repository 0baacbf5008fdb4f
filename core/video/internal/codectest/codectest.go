// Package codectest holds what the video codecs' tests share: test
// frames with a still, detailed patch, luma PSNR, and encoding helpers.
package codectest

import (
	"image"
	"math"
	"testing"
	"time"

	"github.com/softphone/softphone/core/video"
)

// Frames draws n frames of the test pattern at w×h, each copied out,
// with a still, detailed patch in the lower right quarter: like a camera's
// background, it costs a key frame much more than a delta frame.
func Frames(t testing.TB, w, h, n int) []*image.YCbCr {
	t.Helper()
	clock := time.Unix(1_700_000_000, 0)
	// A clock that runs ahead of the pattern's pace, so Read never waits.
	p, err := video.NewTestPattern(video.Constraints{Width: w, Height: h, FPS: 30},
		func() time.Time { clock = clock.Add(time.Second); return clock })
	if err != nil {
		t.Fatal(err)
	}
	out := make([]*image.YCbCr, n)
	for i := range out {
		f, err := p.Read(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		c := *f.Image
		c.Y = append([]byte(nil), c.Y...)
		c.Cb = append([]byte(nil), c.Cb...)
		c.Cr = append([]byte(nil), c.Cr...)
		Texture(&c)
		out[i] = &c
	}
	return out
}

// PSNR is the peak signal-to-noise ratio of b's luma against a's, in dB.
func PSNR(a, b *image.YCbCr) float64 {
	w, h := a.Rect.Dx(), a.Rect.Dy()
	var se float64
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			d := float64(a.Y[a.YOffset(a.Rect.Min.X+x, a.Rect.Min.Y+y)]) -
				float64(b.Y[b.YOffset(b.Rect.Min.X+x, b.Rect.Min.Y+y)])
			se += d * d
		}
	}
	if se == 0 {
		return math.Inf(1)
	}
	return 10 * math.Log10(255*255*float64(w*h)/se)
}

// EncodeAll encodes src in order (the first as a key frame) and returns
// copies of the frames that came out, and their key flags: the rate
// control may drop some.
func EncodeAll(t testing.TB, enc video.Encoder, src []*image.YCbCr) ([][]byte, []bool) {
	t.Helper()
	var out [][]byte
	var keys []bool
	for i, img := range src {
		data, key, err := enc.Encode(img, i == 0)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if len(data) == 0 {
			continue
		}
		out = append(out, append([]byte(nil), data...))
		keys = append(keys, key)
	}
	return out, keys
}

// KeyFrame asks for a key frame at src[0] and goes on through src until
// a frame comes out (the rate control may drop some), which must be a key
// frame; it returns a copy of it and its index in src.
func KeyFrame(t testing.TB, enc video.Encoder, src []*image.YCbCr) ([]byte, int) {
	t.Helper()
	for i, img := range src {
		data, key, err := enc.Encode(img, i == 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 0 {
			if !key {
				t.Fatalf("asked for a key frame, got a %d-byte delta frame", len(data))
			}
			return append([]byte(nil), data...), i
		}
	}
	t.Fatalf("no frame out of %d", len(src))
	return nil, 0
}

// Mean is the average of sizes.
func Mean(sizes []int) float64 {
	s := 0
	for _, n := range sizes {
		s += n
	}
	return float64(s) / float64(len(sizes))
}

// Texture paints the same pseudo-random detail into the lower right
// quarter of every frame.
func Texture(img *image.YCbCr) { Noise(img, 1, 128) }

// Churn gives each frame different detail: a picture no bit rate is
// enough for, so the rate control spends what it is given.
func Churn(imgs []*image.YCbCr) {
	for i, img := range imgs {
		Noise(img, uint32(i)+2, 24)
	}
}

// Noise paints pseudo-random detail from seed, amp levels deep, into the
// lower right quarter of img.
func Noise(img *image.YCbCr, seed, amp uint32) {
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for y := h / 2; y < h; y++ {
		for x := w / 2; x < w; x++ {
			seed = seed*1664525 + 1013904223
			img.Y[y*img.YStride+x] = byte(128 - amp/2 + (seed>>24)%amp)
		}
	}
}
