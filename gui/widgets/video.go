package widgets

import (
	"image"
	"image/color"
	"time"

	"gioui.org/f32"
	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/op/clip"
	"gioui.org/op/paint"

	"github.com/softphone/softphone/core/video"
)

// poolSize is how many converted pictures a view keeps: the one drawn,
// the one the GPU may still be uploading, and the next.
const poolSize = 3

// VideoView draws a video feed's latest picture, letter-boxed in black.
// It converts a picture once, when the feed has a new one (or the view
// changed size), into a reused buffer of the view's pixel size, and
// draws the same image op in every frame until then: a frame drawn for
// another reason costs no conversion. A view larger than the picture
// gets it converted at its own size and enlarged by the GPU.
type VideoView struct {
	// Convert scales and converts a picture into dst (nil: ScaleI420).
	Convert func(dst *image.RGBA, src *image.YCbCr)

	feed *video.Feed
	seq  uint64      // feed's picture number the op shows
	src  image.Point // size of the feed's last picture
	op   paint.ImageOp
	has  bool // op holds a picture
	pool [poolSize]*image.RGBA
	next int
}

// Source is the size of the last picture seen, zero before any: what a
// caller sizes the view by.
func (v *VideoView) Source() image.Point { return v.src }

// Peek reads the size of f's latest picture without converting it.
func (v *VideoView) Peek(f *video.Feed) image.Point {
	if f == nil {
		return v.src
	}
	f.View(func(img *image.YCbCr, _ uint64, _ time.Time) {
		if img != nil {
			v.src = img.Rect.Size()
		}
	})
	return v.src
}

// Layout fills the constraints' maximum with black and draws f's latest
// picture in it, keeping its aspect. It returns where the picture is
// (empty when there is none yet).
func (v *VideoView) Layout(gtx layout.Context, f *video.Feed) (layout.Dimensions, image.Rectangle) {
	area := gtx.Constraints.Max
	paint.FillShape(gtx.Ops, color.NRGBA{A: 0xFF}, clip.Rect{Max: area}.Op())
	if f != v.feed {
		v.feed, v.seq, v.has = f, 0, false
	}
	if f != nil {
		v.update(f, area)
	}
	if !v.has {
		return layout.Dimensions{Size: area}, image.Rectangle{}
	}
	r := Fit(v.src, area)
	defer op.Offset(r.Min).Push(gtx.Ops).Pop()
	defer clip.Rect{Max: r.Size()}.Push(gtx.Ops).Pop()
	if sz := v.op.Size(); sz != r.Size() && sz.X > 0 && sz.Y > 0 {
		scale := f32.Pt(float32(r.Dx())/float32(sz.X), float32(r.Dy())/float32(sz.Y))
		defer op.Affine(f32.Affine2D{}.Scale(f32.Point{}, scale)).Push(gtx.Ops).Pop()
	}
	v.op.Add(gtx.Ops)
	paint.PaintOp{}.Add(gtx.Ops)
	return layout.Dimensions{Size: area}, r
}

// update converts the feed's picture when it is new or the view's size
// changed.
func (v *VideoView) update(f *video.Feed, area image.Point) {
	seq := f.Seq()
	if seq == v.seq && (!v.has || convSize(v.src, area) == v.op.Size()) {
		return
	}
	f.View(func(img *image.YCbCr, n uint64, _ time.Time) {
		v.seq = n
		if img == nil {
			v.has = false
			return
		}
		v.src = img.Rect.Size()
		size := convSize(v.src, area)
		if size.X <= 0 || size.Y <= 0 {
			v.has = false
			return
		}
		dst := v.buffer(size)
		if v.Convert != nil {
			v.Convert(dst, img)
		} else {
			ScaleI420(dst, img)
		}
		// A new op for each new picture: Gio caches an op's texture, and
		// the buffer it came from is not written again until two more
		// pictures went by.
		v.op, v.has = paint.NewImageOp(dst), true
	})
}

// convSize is the size a picture of size src is converted at for a view
// of size area: its letter-boxed size, or its own when that is smaller.
func convSize(src, area image.Point) image.Point {
	size := Fit(src, area).Size()
	if size.X > src.X || size.Y > src.Y {
		return src
	}
	return size
}

// buffer is the next pooled picture of that size.
func (v *VideoView) buffer(size image.Point) *image.RGBA {
	b := v.pool[v.next]
	if b == nil || b.Rect.Size() != size {
		b = image.NewRGBA(image.Rectangle{Max: size})
		v.pool[v.next] = b
	}
	v.next = (v.next + 1) % poolSize
	return b
}
