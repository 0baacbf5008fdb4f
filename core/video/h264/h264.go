// Package h264 is the H.264 video codec over Cisco's openh264, for calls:
// a constrained-baseline real-time encoder writing Annex-B frames with
// slices sized for RTP, and a decoder that reports damaged frames as
// video.ErrCorrupt.
//
// Licence: openh264 is BSD-2-Clause (Debian's libopenh264-dev, built from
// source); x264 would be GPL and is not used.
package h264

/*
#cgo pkg-config: openh264
#include "h264.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"unsafe"

	"github.com/softphone/softphone/core/video"
)

// Fmtp is what we offer: constrained baseline level 3.1 (42e01f), single
// NAL units and FU-A/STAP-A (packetization-mode=1).
const Fmtp = "profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1"

// MaxNALSize is the largest slice the encoder writes, in bytes: with RTP,
// SRTP and UDP/IPv6 headers it stays under a 1280-byte path MTU, so each
// NAL unit goes in one packet. SPS and PPS are smaller still.
const MaxNALSize = 1100

// Codec is H.264 for the SDP layer and the call's video stream.
func Codec() video.Codec {
	return video.Codec{
		Name:       "H264",
		Fmtp:       Fmtp,
		NewEncoder: func(c video.EncoderConfig) (video.Encoder, error) { return NewEncoder(c) },
		NewDecoder: func() (video.Decoder, error) { return NewDecoder() },
	}
}

// errClosed is what a closed encoder or decoder answers.
var errClosed = errors.New("h264: closed")

// planes gives the C side img's planes from its top-left corner, and the
// size to encode: 4:2:0 pictures only, cropped to even sizes (H.264's
// 4:2:0 needs them; screen windows can be odd).
func planes(img *image.YCbCr) (y, u, v *C.uint8_t, w, h int, err error) {
	if img.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return nil, nil, nil, 0, 0, fmt.Errorf("h264: picture is %v, want 4:2:0", img.SubsampleRatio)
	}
	r := img.Rect
	w, h = r.Dx()&^1, r.Dy()&^1
	if w < 16 || h < 16 {
		return nil, nil, nil, 0, 0, fmt.Errorf("h264: picture %v: need 16×16 or more", r)
	}
	yo, co := img.YOffset(r.Min.X, r.Min.Y), img.COffset(r.Min.X, r.Min.Y)
	if yo+(h-1)*img.YStride+w > len(img.Y) ||
		co+(h/2-1)*img.CStride+w/2 > min(len(img.Cb), len(img.Cr)) {
		return nil, nil, nil, 0, 0, errors.New("h264: picture planes shorter than its rectangle")
	}
	return (*C.uint8_t)(unsafe.Pointer(&img.Y[yo])),
		(*C.uint8_t)(unsafe.Pointer(&img.Cb[co])),
		(*C.uint8_t)(unsafe.Pointer(&img.Cr[co])), w, h, nil
}
