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
// little-endian) to I420, scaling down by picking the nearest source
// pixel. Its maps are kept while sizes do not change, so converting
// allocates nothing.
type scaler struct {
	sw, sh, w, h int
	xs           []int // byte offset in a source row of output column x
	ys           []int // source row of output row y
}

func (s *scaler) setup(sw, sh, w, h int) {
	if s.sw == sw && s.sh == sh && s.w == w && s.h == h {
		return
	}
	s.sw, s.sh, s.w, s.h = sw, sh, w, h
	s.xs = resizeInts(s.xs, w)
	s.ys = resizeInts(s.ys, h)
	for x := range s.xs {
		sx := x
		if w != sw&^1 {
			sx = (2*x + 1) * sw / (2 * w) // the centre of the output pixel
		}
		s.xs[x] = 4 * sx
	}
	for y := range s.ys {
		sy := y
		if h != sh&^1 {
			sy = (2*y + 1) * sh / (2 * h)
		}
		s.ys[y] = sy
	}
}

func resizeInts(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}

// convert writes the sw×sh BGRX picture src (stride bytes a row) into dst,
// whose size is the output size.
func (s *scaler) convert(dst *image.YCbCr, src []byte, stride, sw, sh int) {
	w, h := dst.Rect.Dx(), dst.Rect.Dy()
	if w == sw&^1 && h == sh&^1 {
		convertRows(dst, src, stride)
		return
	}
	s.setup(sw, sh, w, h)
	for y := 0; y+1 < h; y += 2 {
		r0 := src[s.ys[y]*stride:]
		r1 := src[s.ys[y+1]*stride:]
		y0 := dst.Y[y*dst.YStride : y*dst.YStride+w]
		y1 := dst.Y[(y+1)*dst.YStride : (y+1)*dst.YStride+w]
		cb := dst.Cb[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		cr := dst.Cr[(y/2)*dst.CStride : (y/2)*dst.CStride+w/2]
		for x := 0; x+1 < w; x += 2 {
			o0, o1 := s.xs[x], s.xs[x+1]
			b0, g0, r0a := int(r0[o0]), int(r0[o0+1]), int(r0[o0+2])
			b1, g1, r1a := int(r0[o1]), int(r0[o1+1]), int(r0[o1+2])
			b2, g2, r2 := int(r1[o0]), int(r1[o0+1]), int(r1[o0+2])
			b3, g3, r3 := int(r1[o1]), int(r1[o1+1]), int(r1[o1+2])
			y0[x] = luma(r0a, g0, b0)
			y0[x+1] = luma(r1a, g1, b1)
			y1[x] = luma(r2, g2, b2)
			y1[x+1] = luma(r3, g3, b3)
			r := (r0a + r1a + r2 + r3 + 2) >> 2
			g := (g0 + g1 + g2 + g3 + 2) >> 2
			b := (b0 + b1 + b2 + b3 + 2) >> 2
			cb[x/2], cr[x/2] = chroma(r, g, b)
		}
	}
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
