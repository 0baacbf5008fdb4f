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

// Defaults for the zero fields of a video.EncoderConfig.
const (
	defaultFPS     = 30
	defaultBitrate = 500_000
	minBitrate     = 10_000
)

// Encoder is an openh264 encoder tuned for calls: constrained baseline
// level 3.1, camera real-time usage, bit-rate rate control (frames skipped
// rather than overshoot), one thread (machines with two cores also run the
// call's audio and capture), SPS and PPS before every IDR, slices of at
// most MaxNALSize bytes. IDRs come on request, or every 3000 frames. The
// rate control budgets Bitrate/FPS a frame: FPS must be the rate frames
// really come at. It is not safe for concurrent use; Close frees its C
// memory.
type Encoder struct {
	st      *C.sp_h264enc // C memory, nil once closed
	w, h    int
	fps     int
	bps     int
	out     []byte // the last frame, handed out until the next Encode
	started bool   // the encoder has been set up for w×h
	keyDue  bool   // a key frame was asked for and has not come out yet
}

// NewEncoder makes an encoder. The size in c is a hint: the encoder sets
// itself up again whenever a frame of another size comes (screen shares
// change size).
func NewEncoder(c video.EncoderConfig) (*Encoder, error) {
	if c.FPS <= 0 {
		c.FPS = defaultFPS
	}
	if c.Bitrate <= 0 {
		c.Bitrate = defaultBitrate
	}
	e := &Encoder{
		st:  (*C.sp_h264enc)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sp_h264enc{})))),
		fps: c.FPS,
		bps: max(c.Bitrate, minBitrate),
	}
	if e.st == nil {
		return nil, fmt.Errorf("h264: out of memory")
	}
	if c.Width > 0 && c.Height > 0 {
		if err := e.setup(c.Width, c.Height); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

// encError describes a failed C call.
func (e *Encoder) encError(r C.int) error {
	what := "encode"
	switch r {
	case C.SP_H264_CREATE:
		what = "create encoder"
	case C.SP_H264_INIT:
		what = "initialise encoder"
	case C.SP_H264_BITRATE:
		what = "set bitrate"
	case C.SP_H264_NOMEM:
		what = "out of memory"
	}
	return fmt.Errorf("h264: %s (%dx%d): openh264 status %d", what, e.w, e.h, int(e.st.err))
}

// setup (re)creates the openh264 encoder for w×h frames; the next frame
// is an IDR.
func (e *Encoder) setup(w, h int) error {
	e.w, e.h = w, h
	if r := C.sp_h264enc_init(e.st, C.int(w), C.int(h), C.int(e.fps), C.int(e.bps), MaxNALSize); r != C.SP_H264_OK {
		e.started = false
		return e.encError(r)
	}
	e.started = true
	return nil
}

// Encode compresses img (4:2:0; an odd last column or row is left out).
// keyframe forces an IDR. The
// data is the frame's NAL units in Annex-B form (start codes), valid
// until the next call; an IDR starts with SPS and PPS.
func (e *Encoder) Encode(img *image.YCbCr, keyframe bool) ([]byte, bool, error) {
	if e.st == nil {
		return nil, false, errClosed
	}
	y, u, v, w, h, err := planes(img)
	if err != nil {
		return nil, false, err
	}
	if !e.started || w != e.w || h != e.h {
		if err := e.setup(w, h); err != nil {
			return nil, false, err
		}
	}
	// An asked-for key frame the rate control dropped is asked for again.
	e.keyDue = e.keyDue || keyframe
	force := C.int(0)
	if e.keyDue {
		force = 1
	}
	if r := C.sp_h264enc_encode(e.st, y, u, v, C.int(img.YStride), C.int(img.CStride), force); r != C.SP_H264_OK {
		return nil, false, e.encError(r)
	}
	n := int(e.st.out_len)
	if cap(e.out) < n {
		e.out = make([]byte, n, n*2)
	}
	e.out = e.out[:n]
	if n > 0 {
		copy(e.out, unsafe.Slice((*byte)(unsafe.Pointer(e.st.out)), n))
	}
	key := e.st.key != 0
	if key {
		e.keyDue = false
	}
	return e.out, key, nil
}

// SetBitrate changes the target for the frames to come.
func (e *Encoder) SetBitrate(bps int) error {
	if e.st == nil {
		return errClosed
	}
	e.bps = max(bps, minBitrate)
	if !e.started {
		return nil // taken at setup
	}
	if r := C.sp_h264enc_set_bitrate(e.st, C.int(e.bps)); r != C.SP_H264_OK {
		return e.encError(r)
	}
	return nil
}

// Close frees the encoder; it is safe to call twice.
func (e *Encoder) Close() error {
	if e.st != nil {
		C.sp_h264enc_close(e.st)
		C.free(unsafe.Pointer(e.st))
		e.st = nil
	}
	return nil
}
