// Package vp8 is the VP8 video codec (RFC 6386) over libvpx, for calls and
// screen sharing: a real-time constant-bit-rate encoder and a decoder that
// reports damaged frames as video.ErrCorrupt.
//
// Licence: libvpx is BSD-3-Clause (Debian's libvpx-dev); linking it keeps
// the program's own licence free, with its notice shipped beside it.
package vp8

/*
#cgo pkg-config: vpx
#include <stdlib.h>
#include "vp8.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"

	"github.com/softphone/softphone/core/video"
)

// Codec is VP8 for the SDP layer and the call's video stream. Fmtp is
// empty: the SDP layer writes max-fs/max-fr itself.
func Codec() video.Codec {
	return video.Codec{
		Name:       "VP8",
		NewEncoder: func(c video.EncoderConfig) (video.Encoder, error) { return NewEncoder(c) },
		NewDecoder: func() (video.Decoder, error) { return NewDecoder() },
	}
}

// errClosed is what a closed encoder or decoder answers.
var errClosed = errors.New("vp8: closed")

// vpxError turns a libvpx status into an error.
func vpxError(what string, r C.int) error {
	return fmt.Errorf("vp8: %s: %s", what, C.GoString(C.vpx_codec_err_to_string(C.vpx_codec_err_t(r))))
}

// planes gives the C side img's planes from its top-left corner. Only
// 4:2:0 pictures are taken.
func planes(img *image.YCbCr) (y, u, v *C.uint8_t, err error) {
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return nil, nil, nil, fmt.Errorf("vp8: picture is %v, want 4:2:0", img.SubsampleRatio)
	}
	r := img.Rect
	if r.Dx() < 1 || r.Dy() < 1 {
		return nil, nil, nil, fmt.Errorf("vp8: empty picture %v", r)
	}
	yo, co := img.YOffset(r.Min.X, r.Min.Y), img.COffset(r.Min.X, r.Min.Y)
	// The last rows are read up to their visible width only.
	cw, ch := (r.Dx()+1)/2, (r.Dy()+1)/2
	if yo+(r.Dy()-1)*img.YStride+r.Dx() > len(img.Y) ||
		co+(ch-1)*img.CStride+cw > min(len(img.Cb), len(img.Cr)) {
		return nil, nil, nil, errors.New("vp8: picture planes shorter than its rectangle")
	}
	return (*C.uint8_t)(unsafe.Pointer(&img.Y[yo])),
		(*C.uint8_t)(unsafe.Pointer(&img.Cb[co])),
		(*C.uint8_t)(unsafe.Pointer(&img.Cr[co])), nil
}
