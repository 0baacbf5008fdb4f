package audio

import (
	"fmt"
	"sync"
)

// Resampled presents a mono device at another sample rate with the same
// period: a call whose media runs at 8 kHz can take over a device opened
// at 48 kHz (a conference's, when it ends) without reopening it. It keeps
// the device's clock contract (SharedClock, WaitRoom).
type Resampled struct {
	inner    Device
	f        Format
	rmu, wmu sync.Mutex
	in, out  *Resampler // device → f, f → device
	rbuf     []int16    // a device frame read
	wbuf     []int16    // a device frame to write
}

// Adapt returns dev itself when it runs at f, else dev resampled to f.
// Closing the result closes dev.
func Adapt(dev Device, f Format) (Device, error) {
	if dev.Format() == f {
		return dev, nil
	}
	return NewResampled(dev, f)
}

// NewResampled presents dev at f, which may differ from dev's format only
// by its sample rate.
func NewResampled(dev Device, f Format) (*Resampled, error) {
	df := dev.Format()
	if df.Channels != 1 || f.Channels != 1 || df.Period != f.Period || f.FrameSamples() <= 0 {
		return nil, fmt.Errorf("audio: cannot present a %+v device as %+v: only the rate may differ, mono", df, f)
	}
	in, err := NewResampler(df.SampleRate, f.SampleRate)
	if err != nil {
		return nil, err
	}
	out, err := NewResampler(f.SampleRate, df.SampleRate)
	if err != nil {
		return nil, err
	}
	return &Resampled{inner: dev, f: f, in: in, out: out,
		rbuf: make([]int16, df.FrameSamples()), wbuf: make([]int16, df.FrameSamples())}, nil
}

// ReadFrame reads one device frame and returns it at f's rate.
func (r *Resampled) ReadFrame(pcm []int16) (int, error) {
	r.rmu.Lock()
	defer r.rmu.Unlock()
	n, err := r.inner.ReadFrame(r.rbuf)
	if err != nil {
		return 0, err
	}
	want := min(len(pcm), r.f.FrameSamples())
	m := r.in.Process(r.rbuf[:n], pcm[:want])
	return len(FitFrame(pcm[:m], want)), nil
}

// WriteFrame plays pcm (at f's rate) as one device frame.
func (r *Resampled) WriteFrame(pcm []int16) (int, error) {
	r.wmu.Lock()
	defer r.wmu.Unlock()
	m := r.out.Process(pcm, r.wbuf)
	if _, err := r.inner.WriteFrame(FitFrame(r.wbuf[:m], len(r.wbuf))); err != nil {
		return 0, err
	}
	return len(pcm), nil
}

// Format is the presented format.
func (r *Resampled) Format() Format { return r.f }

// SharedClock is the device's.
func (r *Resampled) SharedClock() bool { return SharesClock(r.inner) }

// WaitRoom waits on the device when it can.
func (r *Resampled) WaitRoom() error {
	if w, ok := r.inner.(RoomWaiter); ok {
		return w.WaitRoom()
	}
	return nil
}

// Close closes the device.
func (r *Resampled) Close() error { return r.inner.Close() }

// FitFrame pads (repeating the last sample) or trims pcm to n samples
// within its capacity: a resampler may give one sample more or less per
// frame, and a device frame must keep its size.
func FitFrame(pcm []int16, n int) []int16 {
	for len(pcm) < n && cap(pcm) >= n {
		last := int16(0)
		if len(pcm) > 0 {
			last = pcm[len(pcm)-1]
		}
		pcm = append(pcm, last)
	}
	return pcm[:min(len(pcm), n)]
}
