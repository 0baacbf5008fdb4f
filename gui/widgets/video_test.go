package widgets

import (
	"image"
	"image/color"
	"testing"
	"time"

	"gioui.org/layout"
	"gioui.org/op"

	"github.com/softphone/softphone/core/video"
)

// TestVideoViewConvertsNewPicturesOnly draws frames of a view: a new
// picture in the feed is converted once, however many frames draw it; a
// frame with no new picture converts nothing; a new size converts again.
func TestVideoViewConvertsNewPicturesOnly(t *testing.T) {
	var conversions int
	var sizes []image.Point
	v := &VideoView{Convert: func(dst *image.RGBA, src *image.YCbCr) {
		conversions++
		sizes = append(sizes, dst.Rect.Size())
		ScaleI420(dst, src)
	}}
	var ops op.Ops
	frame := func(f *video.Feed, size image.Point) image.Rectangle {
		ops.Reset()
		gtx := layout.Context{Ops: &ops, Constraints: layout.Exact(size)}
		_, r := v.Layout(gtx, f)
		return r
	}
	var f video.Feed
	if r := frame(&f, image.Pt(400, 400)); !r.Empty() || conversions != 0 {
		t.Fatalf("empty feed: picture %v, %d conversions", r, conversions)
	}
	f.Put(solid(640, 480, color.RGBA{255, 0, 0, 255}), time.Now())
	r := frame(&f, image.Pt(400, 400))
	if conversions != 1 || r != image.Rect(0, 50, 400, 350) {
		t.Fatalf("first picture: %d conversions, at %v", conversions, r)
	}
	for range 5 {
		frame(&f, image.Pt(400, 400))
	}
	if conversions != 1 {
		t.Fatalf("same picture redrawn: %d conversions, want 1", conversions)
	}
	f.Put(solid(640, 480, color.RGBA{0, 255, 0, 255}), time.Now())
	frame(&f, image.Pt(400, 400))
	frame(&f, image.Pt(400, 400))
	if conversions != 2 {
		t.Fatalf("second picture: %d conversions, want 2", conversions)
	}
	frame(&f, image.Pt(200, 300))
	if conversions != 3 || sizes[2] != image.Pt(200, 150) {
		t.Fatalf("resized view: %d conversions, sizes %v", conversions, sizes)
	}
	// Larger than the picture: converted at its own size, enlarged by
	// the GPU.
	if r := frame(&f, image.Pt(1280, 1000)); conversions != 4 || sizes[3] != image.Pt(640, 480) || r != image.Rect(0, 20, 1280, 980) {
		t.Fatalf("enlarged view: %d conversions, sizes %v, picture at %v", conversions, sizes, r)
	}
	frame(&f, image.Pt(1280, 1000))
	if conversions != 4 {
		t.Fatalf("enlarged view redrawn: %d conversions, want 4", conversions)
	}
	f.Clear()
	if r := frame(&f, image.Pt(200, 300)); !r.Empty() || conversions != 4 {
		t.Fatalf("cleared feed: picture %v, %d conversions", r, conversions)
	}
	if sizes[0] != image.Pt(400, 300) {
		t.Errorf("converted at %v, want the view's size 400x300", sizes[0])
	}
}

// BenchmarkVideoViewFrame is a frame drawn with no new picture: no
// conversion and no allocation.
func BenchmarkVideoViewFrame(b *testing.B) {
	var f video.Feed
	f.Put(solid(640, 480, color.RGBA{30, 90, 160, 255}), time.Now())
	var v VideoView
	var ops op.Ops
	gtx := layout.Context{Ops: &ops, Constraints: layout.Exact(image.Pt(640, 480))}
	b.ReportAllocs()
	for b.Loop() {
		ops.Reset()
		v.Layout(gtx, &f)
	}
}
