//go:build !nogui

package main

import (
	"log/slog"

	"github.com/softphone/softphone/core/audio"
	platformaudio "github.com/softphone/softphone/platform/audio"
)

// lazyDriver opens the audio driver in the background: the first frame
// does not need it, and opening it (the sound server's context, device
// lists) took 10 to 40 ms of the window's start-up. Its methods wait for
// the opening, which is long done by the time anyone rings or calls.
type lazyDriver struct {
	done chan struct{}
	d    *platformaudio.Driver
	err  error
}

func openDriverLazily(log *slog.Logger) *lazyDriver {
	l := &lazyDriver{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		if l.d, l.err = platformaudio.NewDriver(); l.err != nil {
			log.Warn("no audio driver, calls are silent", "error", l.err)
		}
	}()
	return l
}

func (l *lazyDriver) driver() (*platformaudio.Driver, error) {
	<-l.done
	return l.d, l.err
}

func (l *lazyDriver) Devices() ([]audio.DeviceInfo, error) {
	d, err := l.driver()
	if err != nil {
		return nil, err
	}
	return d.Devices()
}

func (l *lazyDriver) Open(in, out string, f audio.Format) (audio.Device, error) {
	d, err := l.driver()
	if err != nil {
		return nil, err
	}
	return d.Open(in, out, f)
}

// OpenPlayback is for the ringer.
func (l *lazyDriver) OpenPlayback(out string, f audio.Format) (audio.Device, error) {
	d, err := l.driver()
	if err != nil {
		return nil, err
	}
	return d.OpenPlayback(out, f)
}
