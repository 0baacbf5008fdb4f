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

// Defaults for the zero fields of a video.EncoderConfig.
const (
	defaultFPS     = 30
	defaultBitrate = 500_000
	minBitrate     = 10_000 // libvpx counts in kbit/s
)

// Encoder is a libvpx VP8 encoder tuned for calls: one pass, no look-ahead,
// constant bit rate (frames dropped rather than overshoot), error
// resilient, real-time speed, one thread (machines with two cores also
// run the call's audio and capture). Key frames come on request, or every
// 3000 frames. The rate control budgets Bitrate/FPS a frame: FPS must be
// the rate frames really come at. It is not safe for concurrent use;
// Close frees its C memory.
type Encoder struct {
	st      *C.sp_vp8enc // C memory, nil once closed
	w, h    int
	fps     int
	kbps    int
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
		st:   (*C.sp_vp8enc)(C.calloc(1, C.size_t(unsafe.Sizeof(C.sp_vp8enc{})))),
		fps:  c.FPS,
		kbps: kbps(c.Bitrate),
	}
	if e.st == nil {
		return nil, fmt.Errorf("vp8: out of memory")
	}
	if c.Width > 0 && c.Height > 0 {
		if err := e.setup(c.Width, c.Height); err != nil {
			e.Close()
			return nil, err
		}
	}
	return e, nil
}

func kbps(bps int) int { return max(bps, minBitrate) / 1000 }

// setup (re)initialises libvpx for w×h frames; the next frame is a key
// frame.
func (e *Encoder) setup(w, h int) error {
	if r := C.sp_vp8enc_init(e.st, C.int(w), C.int(h), C.int(e.fps), C.int(e.kbps)); r != 0 {
		e.started = false
		return vpxError(fmt.Sprintf("encoder for %dx%d", w, h), r)
	}
	e.w, e.h, e.started = w, h, true
	return nil
}

// Encode compresses img (4:2:0). keyframe forces a key frame. The data is
// one VP8 frame, valid until the next call.
func (e *Encoder) Encode(img *image.YCbCr, keyframe bool) ([]byte, bool, error) {
	if e.st == nil {
		return nil, false, errClosed
	}
	y, u, v, err := planes(img)
	if err != nil {
		return nil, false, err
	}
	if w, h := img.Rect.Dx(), img.Rect.Dy(); !e.started || w != e.w || h != e.h {
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
	if r := C.sp_vp8enc_encode(e.st, y, u, v, C.int(img.YStride), C.int(img.CStride), force); r != 0 {
		return nil, false, vpxError("encode", r)
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
	e.kbps = kbps(bps)
	if !e.started {
		return nil // taken at setup
	}
	if r := C.sp_vp8enc_set_bitrate(e.st, C.int(e.kbps)); r != 0 {
		return vpxError("set bitrate", r)
	}
	return nil
}

// Close frees the encoder; it is safe to call twice.
func (e *Encoder) Close() error {
	if e.st != nil {
		C.sp_vp8enc_close(e.st)
		C.free(unsafe.Pointer(e.st))
		e.st = nil
	}
	return nil
}
