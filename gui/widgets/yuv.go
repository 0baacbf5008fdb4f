package widgets

import "image"

// BT.601 limited-range YCbCr → RGB, in 16.16 fixed point: what VP8 and
// H.264 decoders and the capture sources produce.
const (
	yMul  = 76284  // 1.164 · 2^16
	crToR = 104595 // 1.596
	crToG = 53281  // 0.813
	cbToG = 25625  // 0.391
	cbToB = 132252 // 2.018
	round = 1 << 15
)

// ScaleI420 draws src into all of dst, scaled to dst's size (nearest
// sample, taken at each target pixel's centre) and converted to opaque
// RGBA as it goes: the conversion works at the target size, however
// large the picture. It allocates nothing.
func ScaleI420(dst *image.RGBA, src *image.YCbCr) {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	dw, dh := dst.Rect.Dx(), dst.Rect.Dy()
	if sw <= 0 || sh <= 0 || dw <= 0 || dh <= 0 {
		return
	}
	hs := uint(0) // horizontal chroma subsampling, as a shift
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio420, image.YCbCrSubsampleRatio422:
		hs = 1
	case image.YCbCrSubsampleRatio411, image.YCbCrSubsampleRatio410:
		hs = 2
	}
	x0, y0 := src.Rect.Min.X, src.Rect.Min.Y
	stepX, stepY := (sw<<16)/dw, (sh<<16)/dh
	sy := stepY / 2
	for y := 0; y < dh; y, sy = y+1, sy+stepY {
		yy := min(sy>>16, sh-1)
		yo := src.YOffset(x0, y0+yy)
		yRow := src.Y[yo : yo+sw]
		co := src.COffset(x0, y0+yy)
		cw := (x0+sw-1)>>hs - x0>>hs + 1
		cbRow, crRow := src.Cb[co:co+cw], src.Cr[co:co+cw]
		po := dst.PixOffset(dst.Rect.Min.X, dst.Rect.Min.Y+y)
		out := dst.Pix[po : po+dw*4]
		sx := stepX / 2
		for i := 0; i+3 < len(out); i, sx = i+4, sx+stepX {
			xx := min(sx>>16, sw-1)
			ci := (x0+xx)>>hs - x0>>hs
			l := yTerm[yRow[xx]]
			cb, cr := cbRow[ci], crRow[ci]
			out[i] = clamp8(l + crToRTerm[cr])
			out[i+1] = clamp8(l - crToGTerm[cr] - cbToGTerm[cb])
			out[i+2] = clamp8(l + cbToBTerm[cb])
			out[i+3] = 0xFF
		}
	}
}

// The terms of the conversion for each byte value, with the rounding in
// the luma term; read-only once built.
var (
	yTerm, crToRTerm, crToGTerm, cbToGTerm, cbToBTerm = terms()
)

func terms() (y, crR, crG, cbG, cbB [256]int32) {
	for i := range 256 {
		y[i] = int32((i-16)*yMul + round)
		c := i - 128
		crR[i], crG[i] = int32(c*crToR), int32(c*crToG)
		cbG[i], cbB[i] = int32(c*cbToG), int32(c*cbToB)
	}
	return
}

// clamp8 takes a 16.16 value to a byte.
func clamp8(v int32) uint8 {
	v >>= 16
	if uint32(v) <= 255 {
		return uint8(v)
	}
	if v < 0 {
		return 0
	}
	return 255
}

// Fit is the largest rectangle with src's aspect inside a box of size
// area, centred in it: the picture, letter-boxed (bars above and below,
// or on the sides). Empty when either size is.
func Fit(src, area image.Point) image.Rectangle {
	if src.X <= 0 || src.Y <= 0 || area.X <= 0 || area.Y <= 0 {
		return image.Rectangle{}
	}
	w, h := area.X, area.X*src.Y/src.X
	if h > area.Y {
		w, h = area.Y*src.X/src.Y, area.Y
	}
	off := image.Pt((area.X-w)/2, (area.Y-h)/2)
	return image.Rectangle{Min: off, Max: off.Add(image.Pt(w, h))}
}
