package video

import "image"

// picture is one reused I420 picture whose size may change from frame to
// frame (a window being resized): its memory is only reallocated when it
// grows.
type picture struct {
	img *image.YCbCr
	buf []byte
}

// resize makes the picture w×h (both even) and returns it.
func (p *picture) resize(w, h int) *image.YCbCr {
	if p.img != nil && p.img.Rect.Dx() == w && p.img.Rect.Dy() == h {
		return p.img
	}
	cw, ch := w/2, h/2
	ys, cs := w*h, cw*ch
	if cap(p.buf) < ys+2*cs {
		p.buf = make([]byte, ys+2*cs)
	}
	b := p.buf[:ys+2*cs]
	if p.img == nil {
		p.img = new(image.YCbCr)
	}
	*p.img = image.YCbCr{
		Y:              b[:ys:ys],
		Cb:             b[ys : ys+cs : ys+cs],
		Cr:             b[ys+cs:],
		YStride:        w,
		CStride:        cw,
		SubsampleRatio: image.YCbCrSubsampleRatio420,
		Rect:           image.Rect(0, 0, w, h),
	}
	return p.img
}

// fitSize is the even size a sw×sh picture is sent at so that it fits
// maxW×maxH (zero: no limit) with its aspect kept; an odd last column or
// row is cropped. It is 0×0 when the picture is smaller than 2×2.
func fitSize(sw, sh, maxW, maxH int) (w, h int) {
	w, h = sw, sh
	if (maxW > 0 && w > maxW) || (maxH > 0 && h > maxH) {
		if maxW <= 0 {
			maxW = sw
		}
		if maxH <= 0 {
			maxH = sh
		}
		if sw*maxH > sh*maxW {
			w, h = maxW, sh*maxW/sw
		} else {
			w, h = sw*maxH/sh, maxH
		}
	}
	w, h = w&^1, h&^1
	if w < 2 || h < 2 {
		return 0, 0
	}
	return w, h
}

// scaler converts 32-bit BGRX pictures (X11's ZPixmap at depth 24 or 32,
// little-endian) to I420. Scaling down, each output pixel averages two
// source columns times two source rows spread over its footprint: text
// stays readable at the usual 1.5–2× reductions (a nearest-pixel pick
// drops whole strokes), and the cost depends on the output size only.
// The sample maps are kept while sizes do not change, so converting
// allocates nothing.
type scaler struct {
	sw, sh, w, h int
	xs           []int // per output column: byte offsets of its two source columns
	ys           []int // per output row: its two source rows
}

func (s *scaler) setup(sw, sh, w, h int) {
	if s.sw == sw && s.sh == sh && s.w == w && s.h == h {
		return
	}
	s.sw, s.sh, s.w, s.h = sw, sh, w, h
	s.xs = resizeInts(s.xs, 2*w)
	s.ys = resizeInts(s.ys, 2*h)
	for x := 0; x < w; x++ {
		// At a quarter and three quarters of [x, x+1) in source units.
		s.xs[2*x] = 4 * ((4*x + 1) * sw / (4 * w))
		s.xs[2*x+1] = 4 * ((4*x + 3) * sw / (4 * w))
	}
	for y := 0; y < h; y++ {
		s.ys[2*y] = (4*y + 1) * sh / (4 * h)
		s.ys[2*y+1] = (4*y + 3) * sh / (4 * h)
	}
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// convert writes the sw×sh BGRX picture src (stride bytes a row) into dst,
// whose size is the output size: the same (less an odd last column or
// row) or smaller.
func (s *scaler) convert(dst *image.YCbCr, src []byte, stride, sw, sh int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if w == sw&^1 && h == sh&^1 {
		convertRows(dst, src, stride)
		return
	}
	s.setup(sw, sh, w, h)
	for y := 0; y+1 < h; y += 2 {
		// Source rows: a, b for output row y; c, d for row y+1.
		ra, rb := src[s.ys[2*y]*stride:], src[s.ys[2*y+1]*stride:]
		rc, rd := src[s.ys[2*y+2]*stride:], src[s.ys[2*y+3]*stride:]
		y0 := dst.Y[y*dst.YStride : y*dst.YStride+w]
		y1 := dst.Y[(y+1)*dst.YStride : (y+1)*dst.YStride+w]
		cb := dst.Cb[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		cr := dst.Cr[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		for x := 0; x+1 < w; x += 2 {
			o0, o1, o2, o3 := s.xs[2*x], s.xs[2*x+1], s.xs[2*x+2], s.xs[2*x+3]
			r0, g0, b0 := sum4(ra, rb, o0, o1)
			r1, g1, b1 := sum4(ra, rb, o2, o3)
			r2, g2, b2 := sum4(rc, rd, o0, o1)
			r3, g3, b3 := sum4(rc, rd, o2, o3)
			y0[x] = luma((r0+2)>>2, (g0+2)>>2, (b0+2)>>2)
			y0[x+1] = luma((r1+2)>>2, (g1+2)>>2, (b1+2)>>2)
			y1[x] = luma((r2+2)>>2, (g2+2)>>2, (b2+2)>>2)
			y1[x+1] = luma((r3+2)>>2, (g3+2)>>2, (b3+2)>>2)
			cb[x/2], cr[x/2] = chroma((r0+r1+r2+r3+8)>>4, (g0+g1+g2+g3+8)>>4, (b0+b1+b2+b3+8)>>4)
		}
	}
}

// sum4 adds up R, G, B of the pixels at byte offsets oa, ob of rows ra
// and rb.
func sum4(ra, rb []byte, oa, ob int) (r, g, b int) {
	pa, pb := ra[oa:oa+3:oa+3], ra[ob:ob+3:ob+3]
	pc, pd := rb[oa:oa+3:oa+3], rb[ob:ob+3:ob+3]
	b = int(pa[0]) + int(pb[0]) + int(pc[0]) + int(pd[0])
	g = int(pa[1]) + int(pb[1]) + int(pc[1]) + int(pd[1])
	r = int(pa[2]) + int(pb[2]) + int(pc[2]) + int(pd[2])
	return r, g, b
}

// convertRows is convert at the same size: pixels are read in order,
// two rows at a time.
func convertRows(dst *image.YCbCr, src []byte, stride int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y+1 < h; y += 2 {
		s0 := src[y*stride : y*stride+4*w]
		s1 := src[(y+1)*stride : (y+1)*stride+4*w]
		y0 := dst.Y[y*dst.YStride : y*dst.YStride+w]
		y1 := dst.Y[(y+1)*dst.YStride : (y+1)*dst.YStride+w]
		cb := dst.Cb[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		cr := dst.Cr[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		for x := range cb {
			p0, p1 := s0[8*x:8*x+8:8*x+8], s1[8*x:8*x+8:8*x+8]
			b0, g0, r0 := int(p0[0]), int(p0[1]), int(p0[2])
			b1, g1, r1 := int(p0[4]), int(p0[5]), int(p0[6])
			b2, g2, r2 := int(p1[0]), int(p1[1]), int(p1[2])
			b3, g3, r3 := int(p1[4]), int(p1[5]), int(p1[6])
			q0, q1 := y0[2*x:2*x+2:2*x+2], y1[2*x:2*x+2:2*x+2]
			q0[0], q0[1] = luma(r0, g0, b0), luma(r1, g1, b1)
			q1[0], q1[1] = luma(r2, g2, b2), luma(r3, g3, b3)
			cb[x], cr[x] = chroma((r0+r1+r2+r3+2)>>2, (g0+g1+g2+g3+2)>>2, (b0+b1+b2+b3+2)>>2)
		}
	}
}

// luma is BT.601 limited-range Y (16–235) of 8-bit R, G, B.
func luma(r, g, b int) byte {
	return byte((66*r+129*g+25*b+128)>>8 + 16)
}

// chroma is BT.601 limited-range Cb, Cr (16–240).
func chroma(r, g, b int) (cb, cr byte) {
	return byte((-38*r-74*g+112*b+128)>>8 + 128), byte((112*r-94*g-18*b+128)>>8 + 128)
}

// yuyvToI420 converts a packed YUYV 4:2:2 picture (stride bytes a row) to
// dst's size, cropping what does not fit; chroma of two rows is averaged.
func yuyvToI420(dst *image.YCbCr, src []byte, stride int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	for y := 0; y+1 < h; y += 2 {
		s0 := src[y*stride : y*stride+2*w]
		s1 := src[(y+1)*stride : (y+1)*stride+2*w]
		y0 := dst.Y[y*dst.YStride : y*dst.YStride+w]
		y1 := dst.Y[(y+1)*dst.YStride : (y+1)*dst.YStride+w]
		cb := dst.Cb[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		cr := dst.Cr[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		for x := 0; x+1 < w; x += 2 {
			i := 2 * x
			y0[x], y0[x+1] = s0[i], s0[i+2]
			y1[x], y1[x+1] = s1[i], s1[i+2]
			cb[x/2] = byte((int(s0[i+1]) + int(s1[i+1]) + 1) >> 1)
			cr[x/2] = byte((int(s0[i+3]) + int(s1[i+3]) + 1) >> 1)
		}
	}
}
