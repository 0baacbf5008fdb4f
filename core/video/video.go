// Package video holds what every part of a call's video shares: frames,
// the capture sources platforms implement (camera, screen), the codec
// interfaces the cgo codec packages implement, the latest-frame feeds a
// window draws from, and a synthetic test source. It has no cgo and no
// platform code.
package video

import (
	"context"
	"errors"
	"image"
	"time"
)

// ClockRate is the RTP clock of every video payload format (RFC 3551).
const ClockRate = 90000

// Errors callers branch on.
var (
	// ErrCorrupt means a decoder could not use what it was given (a lost
	// reference, a damaged frame): the receiver asks for a key frame.
	ErrCorrupt = errors.New("video: corrupt or undecodable frame")
	// ErrNoDevice means the capture device named does not exist (or is
	// gone); the call goes on without sending video.
	ErrNoDevice = errors.New("video: no such capture device")
)

// Frame is one captured picture in I420 (image.YCbCr, 4:2:0).
type Frame struct {
	Image *image.YCbCr
	At    time.Time // when it was captured
}

// Source gives captured frames at its own pace: a camera, a screen, the
// test pattern.
type Source interface {
	// Read blocks until the next frame. The frame, and its Image, stay
	// valid until the next Read or Close: a caller that keeps it copies.
	Read(ctx context.Context) (Frame, error)
	Close() error
}

// Kind says what a capture device shows.
type Kind string

// The kinds of capture devices.
const (
	KindCamera Kind = "camera"
	KindScreen Kind = "screen" // a whole screen
	KindWindow Kind = "window" // one window of the desktop
	KindTest   Kind = "test"   // the synthetic test pattern
)

// DeviceInfo names one capture device.
type DeviceInfo struct {
	ID   string `json:"id"`   // what Open takes
	Name string `json:"name"` // what the user reads
	Kind Kind   `json:"kind"`
}

// Constraints is what a caller wants from a source; a device gives the
// nearest it can. Zero fields mean "the device's default".
type Constraints struct {
	Width, Height int
	FPS           int
}

// Driver lists and opens capture devices. Platform shims implement it
// (V4L2 and X11 on Linux; AVFoundation, Camera2 and the rest elsewhere).
type Driver interface {
	Devices(ctx context.Context) ([]DeviceInfo, error)
	// Open starts capturing from the device with that ID; ErrNoDevice
	// when there is none.
	Open(ctx context.Context, id string, c Constraints) (Source, error)
}

// EncoderConfig is what one stream's encoder starts with.
type EncoderConfig struct {
	Width, Height int // of the frames it will be given
	FPS           int
	Bitrate       int // target, bits per second
}

// Encoder compresses one stream's frames.
type Encoder interface {
	// Encode compresses img; keyframe forces an intra frame. The data is
	// one frame's bitstream (VP8: the frame; H.264: Annex-B NAL units)
	// and stays valid until the next call; empty when the encoder
	// dropped the frame (rate control).
	Encode(img *image.YCbCr, keyframe bool) (data []byte, key bool, err error)
	// SetBitrate changes the target bit rate for the frames to come.
	SetBitrate(bps int) error
	Close() error
}

// Decoder decompresses one stream's frames.
type Decoder interface {
	// Decode takes one whole frame's bitstream and returns the picture,
	// valid until the next call; nil without error when the decoder
	// produced none yet (H.264 parameter sets alone). ErrCorrupt (wrapped)
	// when the frame cannot be decoded.
	Decode(data []byte) (*image.YCbCr, error)
	Close() error
}

// Codec is one video payload format and its implementation.
type Codec struct {
	Name string // RTP encoding name: "VP8", "H264"
	// Fmtp is what we write in our a=fmtp for it ("" none), e.g. H.264's
	// "profile-level-id=42e01f;packetization-mode=1".
	Fmtp       string
	NewEncoder func(EncoderConfig) (Encoder, error)
	NewDecoder func() (Decoder, error)
}
