// Package audio defines the audio device interface that platforms implement
// (platform/audio with malgo on desktop) and pure-Go devices for headless use
// and tests: WAV file source and sink, a null device, and the resampler.
package audio

import (
	"errors"
	"time"
)

// Format is the PCM the media path exchanges with a device: 16-bit signed,
// interleaved when Channels > 1 (the phone uses mono), Period per frame.
type Format struct {
	SampleRate int
	Channels   int
	Period     time.Duration // 10 or 20 ms
}

// FrameSamples is the number of samples (per channel) in one period.
func (f Format) FrameSamples() int {
	return int(time.Duration(f.SampleRate) * f.Period / time.Second)
}

// Reader gives captured audio one frame at a time.
type Reader interface {
	// ReadFrame fills pcm with the next frame, blocking until it has been
	// captured (a file source blocks to keep real time). io.EOF at the end
	// of a source that does not loop; ErrClosed after Close.
	ReadFrame(pcm []int16) (int, error)
}

// Writer plays audio one frame at a time.
type Writer interface {
	// WriteFrame queues pcm for playback, blocking while the device's
	// buffer is full, so the device clock paces the caller.
	WriteFrame(pcm []int16) (int, error)
}

// Device is an opened full-duplex device (microphone + speaker), or a
// stand-in for one (files, null).
type Device interface {
	Reader
	Writer
	Format() Format
	// Close stops the device and unblocks ReadFrame/WriteFrame.
	Close() error
}

// DeviceInfo names a device the driver can open.
type DeviceInfo struct {
	ID        string // stable identifier to pass to Open
	Name      string // what the user sees
	IsDefault bool
	Capture   bool // it can record
	Playback  bool // it can play
}

// Driver lists and opens devices; platforms implement it.
type Driver interface {
	Devices() ([]DeviceInfo, error)
	// Open opens the capture device in and the playback device out ("" is
	// the system default) at format f.
	Open(in, out string, f Format) (Device, error)
}

var (
	// ErrClosed is returned by ReadFrame/WriteFrame after Close.
	ErrClosed = errors.New("audio: device closed")
	// ErrDeviceLost is returned when the device disappeared (unplugged
	// headset): the call goes on, the phone reports it and can switch.
	ErrDeviceLost = errors.New("audio: device lost")
	// ErrNoDevice means no device matches the requested name.
	ErrNoDevice = errors.New("audio: no such device")
)
