// Package calldev is the user's side of one call's audio: the device
// chain a call's media session holds (the user's device, a Tap on it that
// records and plays the waiting tone, a view at the session's format), the
// move of that chain to another device, and the recordings' files.
//
// It holds no lock: a Device's state is atomic, and which Device or Tap a
// call uses at a moment is decided by its owner (core/conference).
package calldev

import (
	"sync/atomic"

	"github.com/softphone/softphone/core/audio"
)

// Device is what a call's media session holds while the call has its own
// device: a view of the call's Tap (recording, waiting tone), at the
// session's format. A conference takes the Tap over without closing it
// (HandOver), and the view then refuses the session's last calls (dead).
type Device struct {
	tap  *audio.Tap
	dev  audio.Device // tap, or tap resampled to the session's format
	keep atomic.Bool  // Close leaves the tap open: it changed hands
	dead atomic.Bool
}

// Wrap puts a Tap around dev (the device a call's media starts with),
// playing the waiting tone when tone is set.
func Wrap(dev audio.Device, tone bool) *Device {
	tap := audio.NewTap(dev)
	tap.SetTone(tone)
	return &Device{tap: tap, dev: tap}
}

// NewView is a view of tap at format f.
func NewView(tap *audio.Tap, f audio.Format) (*Device, error) {
	dev, err := audio.Adapt(tap, f)
	if err != nil {
		return nil, err
	}
	return &Device{tap: tap, dev: dev}, nil
}

// Own is dev as a call's own view, nil when dev is not one (a conference
// port, a bare null device after a failure) or was closed.
func Own(dev audio.Device) *Device {
	if d, ok := dev.(*Device); ok && !d.dead.Load() {
		return d
	}
	return nil
}

// Tap is the tap the view reads and writes through.
func (d *Device) Tap() *audio.Tap { return d.tap }

// HandOver says whether the tap changed hands (to a conference): Close
// then leaves it open.
func (d *Device) HandOver(on bool) { d.keep.Store(on) }

func (d *Device) ReadFrame(pcm []int16) (int, error) {
	if d.dead.Load() {
		return 0, audio.ErrClosed
	}
	return d.dev.ReadFrame(pcm)
}

func (d *Device) WriteFrame(pcm []int16) (int, error) {
	if d.dead.Load() {
		return 0, audio.ErrClosed
	}
	return d.dev.WriteFrame(pcm)
}

func (d *Device) Format() audio.Format { return d.dev.Format() }

// SharedClock and WaitRoom keep the device's clock contract for the
// session (one loop per call on a shared clock).
func (d *Device) SharedClock() bool { return audio.SharesClock(d.dev) }

func (d *Device) WaitRoom() error {
	if w, ok := d.dev.(audio.RoomWaiter); ok && !d.dead.Load() {
		return w.WaitRoom()
	}
	return nil
}

// Close closes the device, unless it was handed over.
func (d *Device) Close() error {
	if d.dead.Swap(true) || d.keep.Load() {
		return nil
	}
	return d.dev.Close()
}

// Session is the media session of a call, as far as its device goes.
type Session interface {
	Device() audio.Device
	SwapDevice(audio.Device) error
}

// Swap moves a call with a device of its own to dev (the user picked
// another device): the recording, the waiting tone and the recording's
// mute carry on. A call whose device failed (no view of its own) takes dev
// wrapped anew, with the tone as asked. On error dev is still the caller's.
func Swap(sess Session, dev audio.Device, tone bool) error {
	old := Own(sess.Device())
	if old == nil {
		return sess.SwapDevice(Wrap(dev, tone))
	}
	inner, err := audio.Adapt(dev, old.tap.Format())
	if err != nil {
		return err
	}
	tap := audio.NewTap(inner)
	view, err := NewView(tap, sess.Device().Format())
	if err != nil {
		return err
	}
	tap.SetTone(old.tap.Tone())
	tap.SetMuted(old.tap.Muted())
	rec := old.tap.SetRecorder(nil)
	tap.SetRecorder(rec)
	if err := sess.SwapDevice(view); err != nil {
		tap.SetRecorder(nil)
		old.tap.SetRecorder(rec)
		return err
	}
	return nil
}
