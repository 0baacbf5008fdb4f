package audio

import (
	"errors"
	"sync"
	"sync/atomic"
)

// Tap wraps a call's device (or a conference's): it hands what is captured
// and played to a Recorder, and mixes the call-waiting tone into what is
// played. Idle (no recorder, no tone) it adds an atomic load per frame.
//
// A Tap may change hands mid-call (a call's session, then a conference
// bridge, then a call again): one ReadFrame and one WriteFrame run at a
// time, so the next user's first frame waits for the last user's frame in
// flight, and no two readers ever share the device.
//
// It keeps the device's clock contract: SharedClock is the inner device's,
// and WaitRoom waits on the inner device when it can (else it returns at
// once, which for the media path is the same as not having it).
type Tap struct {
	inner Device
	rmu   sync.Mutex // one ReadFrame at a time
	wmu   sync.Mutex // one WriteFrame at a time; guards tone and buf

	rec     atomic.Pointer[Recorder]
	recMute atomic.Bool // record silence for the microphone
	zeros   []int16     // that silence
	toneOn  atomic.Bool
	tone    *WaitingTone
	buf     []int16

	closeOnce sync.Once
	closeErr  error
}

// NewTap wraps dev; closing the tap closes dev.
func NewTap(dev Device) *Tap {
	f := dev.Format()
	n := f.FrameSamples() * max(f.Channels, 1)
	return &Tap{inner: dev, tone: NewWaitingTone(f.SampleRate), buf: make([]int16, n), zeros: make([]int16, n)}
}

// ReadFrame reads the microphone and copies it to the recorder (silence
// while the microphone is muted: what the far end does not hear is not
// recorded either).
func (t *Tap) ReadFrame(pcm []int16) (int, error) {
	t.rmu.Lock()
	n, err := t.inner.ReadFrame(pcm)
	t.rmu.Unlock()
	if err == nil {
		if r := t.rec.Load(); r != nil {
			if t.recMute.Load() && n <= len(t.zeros) {
				r.Local(t.zeros[:n])
			} else {
				r.Local(pcm[:n])
			}
		}
	}
	return n, err
}

// WriteFrame copies the far end's audio to the recorder, adds the waiting
// tone when it is on, and plays the frame. pcm itself is not changed.
func (t *Tap) WriteFrame(pcm []int16) (int, error) {
	t.wmu.Lock()
	defer t.wmu.Unlock()
	if r := t.rec.Load(); r != nil {
		r.Remote(pcm)
	}
	on := t.toneOn.Load()
	if on || t.tone.active {
		if len(t.buf) < len(pcm) {
			t.buf = make([]int16, len(pcm)) // a longer frame than the format's: once
		}
		out := t.buf[:copy(t.buf, pcm)]
		if t.tone.Add(out, on) {
			pcm = out
		}
	}
	return t.inner.WriteFrame(pcm)
}

// Format is the inner device's.
func (t *Tap) Format() Format { return t.inner.Format() }

// SharedClock reports whether the inner device shares one clock.
func (t *Tap) SharedClock() bool { return SharesClock(t.inner) }

// WaitRoom waits until the inner device can take a frame, when it can tell.
func (t *Tap) WaitRoom() error {
	if w, ok := t.inner.(RoomWaiter); ok {
		return w.WaitRoom()
	}
	return nil
}

// SetRecorder starts feeding r (nil: stop) and returns the recorder fed
// before, which the caller now owns (to Close, or to hand to another tap).
func (t *Tap) SetRecorder(r *Recorder) *Recorder { return t.rec.Swap(r) }

// Recorder is the recorder being fed, nil when none.
func (t *Tap) Recorder() *Recorder { return t.rec.Load() }

// SetMuted says whether the microphone is muted, for the recording.
func (t *Tap) SetMuted(on bool) { t.recMute.Store(on) }

// Muted reports what SetMuted said last.
func (t *Tap) Muted() bool { return t.recMute.Load() }

// SetTone turns the call-waiting tone on or off; on starts with a beep,
// off fades out within milliseconds.
func (t *Tap) SetTone(on bool) { t.toneOn.Store(on) }

// Tone reports whether the waiting tone is on.
func (t *Tap) Tone() bool { return t.toneOn.Load() }

// Close closes the inner device, then finishes the recording, if any.
func (t *Tap) Close() error {
	t.closeOnce.Do(func() {
		err := t.inner.Close()
		if r := t.rec.Swap(nil); r != nil {
			err = errors.Join(err, r.Close())
		}
		t.closeErr = err
	})
	return t.closeErr
}
