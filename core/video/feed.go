package video

import (
	"image"
	"sync"
	"time"
)

// Feed holds the latest picture of one video (the far end's decoded
// frames, or our own preview) for whoever draws it. The writer copies each
// frame in; readers look at the latest one without copying. It never
// allocates once its buffers fit the frame size.
type Feed struct {
	// mu guards the fields below. Leaf lock: notify is called after it
	// is released.
	mu     sync.Mutex
	cur    *image.YCbCr // latest picture, nil before the first
	spare  *image.YCbCr // the buffer the next Put writes
	seq    uint64       // number of pictures put so far
	at     time.Time    // capture or decode time of cur
	notify func()
}

// SetNotify makes f call fn (without holding anything) after each new
// picture: a window asks for a frame there. nil stops it.
func (f *Feed) SetNotify(fn func()) {
	f.mu.Lock()
	f.notify = fn
	f.mu.Unlock()
}

// Put copies img in as the latest picture, taken at at.
func (f *Feed) Put(img *image.YCbCr, at time.Time) {
	f.mu.Lock()
	dst := f.spare
	if dst == nil || dst.Rect.Size() != img.Rect.Size() || dst.SubsampleRatio != img.SubsampleRatio {
		dst = image.NewYCbCr(image.Rectangle{Max: img.Rect.Size()}, img.SubsampleRatio)
	}
	copyYCbCr(dst, img)
	f.spare, f.cur = f.cur, dst
	f.seq++
	f.at = at
	fn := f.notify
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Clear forgets the picture (the video stopped); Seq still counts up so
// readers notice.
func (f *Feed) Clear() {
	f.mu.Lock()
	if f.cur != nil {
		f.spare, f.cur = f.cur, nil
		f.seq++
	}
	fn := f.notify
	f.mu.Unlock()
	if fn != nil {
		fn()
	}
}

// Seq is the number of the latest picture (0: none yet); it changes with
// every Put and Clear.
func (f *Feed) Seq() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq
}

// View calls fn with the latest picture (nil if none), its number and
// time, while holding the feed: fn must not keep img, nor call f.
func (f *Feed) View(fn func(img *image.YCbCr, seq uint64, at time.Time)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.cur, f.seq, f.at)
}

// Snapshot returns a copy of the latest picture, nil if none.
func (f *Feed) Snapshot() *image.YCbCr {
	var out *image.YCbCr
	f.View(func(img *image.YCbCr, _ uint64, _ time.Time) {
		if img != nil {
			out = image.NewYCbCr(image.Rectangle{Max: img.Rect.Size()}, img.SubsampleRatio)
			copyYCbCr(out, img)
		}
	})
	return out
}

// copyYCbCr copies src into dst, of the same size and subsampling, dst's
// rectangle starting at 0,0.
func copyYCbCr(dst, src *image.YCbCr) {
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		si := src.YOffset(src.Rect.Min.X, src.Rect.Min.Y+y)
		copy(dst.Y[y*dst.YStride:y*dst.YStride+w], src.Y[si:si+w])
	}
	cw, ch := chromaSize(w, h, src.SubsampleRatio)
	base := src.COffset(src.Rect.Min.X, src.Rect.Min.Y)
	for y := 0; y < ch; y++ {
		si, di := base+y*src.CStride, y*dst.CStride
		copy(dst.Cb[di:di+cw], src.Cb[si:si+cw])
		copy(dst.Cr[di:di+cw], src.Cr[si:si+cw])
	}
}

// chromaSize is the size of the chroma planes for a w×h picture.
func chromaSize(w, h int, r image.YCbCrSubsampleRatio) (int, int) {
	switch r {
	case image.YCbCrSubsampleRatio420:
		return (w + 1) / 2, (h + 1) / 2
	case image.YCbCrSubsampleRatio422:
		return (w + 1) / 2, h
	case image.YCbCrSubsampleRatio440:
		return w, (h + 1) / 2
	}
	return w, h
}
