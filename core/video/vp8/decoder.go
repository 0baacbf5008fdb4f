package vp8

// #include <stdlib.h>
// #include "vp8.h"
import "C"

import (
	"fmt"
	"image"
	"unsafe"

	"github.com/softphone/softphone/core/video"
)

// Decoder is a libvpx VP8 decoder (one thread). The picture it returns is
// its own buffer, copied out of libvpx and reused by the next Decode. It
// is not safe for concurrent use; Close frees its C memory.
//
// VP8 frames carry no sequence numbers: a frame lost in transit is only
// noticed by the RTP layer (sequence gap), which asks for a key frame.
// What the decoder notices (a damaged frame, a delta frame before any key
// frame, references it knows are damaged) is ErrCorrupt.
type Decoder struct {
	st  *C.sp_vp8dec // C memory, nil once closed
	pic *image.YCbCr // the reused picture, nil before the first
}

// NewDecoder makes a decoder.
func NewDecoder() (*Decoder, error) {
	st := (*C.sp_vp8dec)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sp_vp8dec{}))))
	if st == nil {
		return nil, fmt.Errorf("vp8: out of memory")
	}
	if r := C.sp_vp8dec_init(st); r != 0 {
		C.free(unsafe.Pointer(st))
		return nil, vpxError("decoder", r)
	}
	return &Decoder{st: st}, nil
}

// Decode decodes one whole VP8 frame. The picture stays valid until the
// next call; errors wrap video.ErrCorrupt when the frame is unusable.
func (d *Decoder) Decode(data []byte) (*image.YCbCr, error) {
	if d.st == nil {
		return nil, errClosed
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("vp8: empty frame: %w", video.ErrCorrupt)
	}
	var y, u, v *C.uint8_t
	w, h := 0, 0
	if d.pic != nil {
		y = (*C.uint8_t)(unsafe.Pointer(&d.pic.Y[0]))
		u = (*C.uint8_t)(unsafe.Pointer(&d.pic.Cb[0]))
		v = (*C.uint8_t)(unsafe.Pointer(&d.pic.Cr[0]))
		w, h = d.pic.Rect.Dx(), d.pic.Rect.Dy()
	}
	switch C.sp_vp8dec_decode(d.st, (*C.uint8_t)(unsafe.Pointer(&data[0])), C.size_t(len(data)),
		y, u, v, C.int(w), C.int(h)) {
	case C.SP_VP8DEC_PICTURE:
		return d.pic, nil
	case C.SP_VP8DEC_NONE:
		return nil, nil
	case C.SP_VP8DEC_RESIZE:
		d.pic = image.NewYCbCr(image.Rect(0, 0, int(d.st.w), int(d.st.h)), image.YCbCrSubsampleRatio420)
		C.sp_vp8dec_copy(d.st,
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Y[0])),
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Cb[0])),
			(*C.uint8_t)(unsafe.Pointer(&d.pic.Cr[0])))
		return d.pic, nil
	case C.SP_VP8DEC_TOO_BIG:
		return nil, fmt.Errorf("vp8: picture larger than %d on a side: %w", C.SP_VP8_MAX_SIDE, video.ErrCorrupt)
	case C.SP_VP8DEC_CORRUPT:
		return nil, fmt.Errorf("vp8: decoded from damaged references: %w", video.ErrCorrupt)
	default:
		return nil, fmt.Errorf("vp8: decode: %s: %w",
			C.GoString(C.vpx_codec_err_to_string(d.st.err)), video.ErrCorrupt)
	}
}

// Close frees the decoder; it is safe to call twice.
func (d *Decoder) Close() error {
	if d.st != nil {
		C.sp_vp8dec_close(d.st)
		C.free(unsafe.Pointer(d.st))
		d.st = nil
	}
	return nil
}
