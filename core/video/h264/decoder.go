package h264

// #include <stdlib.h>
// #include "h264.h"
import "C"

import (
	"fmt"
	"image"
	"unsafe"

	"github.com/softphone/softphone/core/video"
)

// Decoder is an openh264 decoder without error concealment. The picture
// it returns is its own buffer, copied out of openh264 and reused by the
// next Decode. It is not safe for concurrent use; Close frees its C
// memory.
type Decoder struct {
	st  *C.sp_h264dec // C memory, nil once closed
	pic *image.YCbCr  // the reused picture, nil before the first
}

// NewDecoder makes a decoder.
func NewDecoder() (*Decoder, error) {
	st := (*C.sp_h264dec)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sp_h264dec{}))))
	if st == nil {
		return nil, fmt.Errorf("h264: out of memory")
	}
	if r := C.sp_h264dec_init(st); r != 0 {
		C.free(unsafe.Pointer(st))
		return nil, fmt.Errorf("h264: create decoder: openh264 status %d", int(r))
	}
	return &Decoder{st: st}, nil
}

// Decode decodes one whole frame's NAL units (Annex-B). The picture stays
// valid until the next call; nil without error when the data made none
// (parameter sets alone). Errors wrap video.ErrCorrupt when the frame is
// unusable: damaged, or missing its references (until the next IDR).
func (d *Decoder) Decode(data []byte) (*image.YCbCr, error) {
	if d.st == nil {
		return nil, errClosed
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("h264: empty frame: %w", video.ErrCorrupt)
	}
	var y, u, v *C.uint8_t
	w, h := 0, 0
	if d.pic != nil {
		y = (*C.uint8_t)(unsafe.Pointer(&d.pic.Y[0]))
		u = (*C.uint8_t)(unsafe.Pointer(&d.pic.Cb[0]))
		v = (*C.uint8_t)(unsafe.Pointer(&d.pic.Cr[0]))
		w, h = d.pic.Rect.Dx(), d.pic.Rect.Dy()
	}
	switch C.sp_h264dec_decode(d.st, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		y, u, v, C.int(w), C.int(h)) {
	case C.SP_H264DEC_PICTURE:
		return d.pic, nil
	case C.SP_H264DEC_NONE:
		return nil, nil
	case C.SP_H264DEC_RESIZE:
		d.pic = image.NewYCbCr(image.Rect(0, 0, int(d.st.w), int(d.st.h)), image.YCbCrSubsampleRatio420)
		C.sp_h264dec_copy(d.st,
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Y[0])),
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Cb[0])),
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Cr[0])))
		return d.pic, nil
	case C.SP_H264DEC_INCOMPLETE:
		return nil, fmt.Errorf("h264: frame lacks some of its slices: %w", video.ErrCorrupt)
	default:
		return nil, fmt.Errorf("h264: decode: state %#x: %w", int(d.st.state), video.ErrCorrupt)
	}
}

// Close frees the decoder; it is safe to call twice.
func (d *Decoder) Close() error {
	if d.st != nil {
		C.sp_h264dec_close(d.st)
		C.free(unsafe.Pointer(d.st))
		d.st = nil
	}
	return nil
}
