package core

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/config"
)

// ErrNoDriver is returned by device commands when the phone has no audio
// driver (headless use with files).
var ErrNoDriver = errors.New("no audio driver")

// WithAudioDriver makes calls use the driver's devices: the ones named in
// the configuration's [audio] section, else the system defaults. A call
// whose device cannot be opened goes on silent and a DeviceEvent says why.
func WithAudioDriver(d audio.Driver) Option {
	return func(o *options) { o.driver = d }
}

// driverAudio is the AudioFactory of WithAudioDriver.
func (p *Engine) driverAudio(c call.Info, f audio.Format) (audio.Device, error) {
	p.mu.Lock()
	in, out := p.conf.Audio.Input, p.conf.Audio.Output
	p.mu.Unlock()
	dev, err := p.o.driver.Open(in, out, f)
	if err == nil {
		return dev, nil
	}
	p.bus.Publish(DeviceEvent{CallID: c.ID, Error: err.Error()})
	return audio.NewNullDevice(f)
}

// AudioDevices lists the driver's devices.
func (p *Engine) AudioDevices() ([]audio.DeviceInfo, error) {
	if p.o.driver == nil {
		return nil, ErrNoDriver
	}
	return p.o.driver.Devices()
}

// SetCallAudio moves a running call to other devices ("" = default).
func (p *Engine) SetCallAudio(id, in, out string) error {
	if p.o.driver == nil {
		return ErrNoDriver
	}
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	sess := c.session()
	if sess == nil {
		return fmt.Errorf("audio %s: %w", id, call.ErrTransition)
	}
	dev, err := p.o.driver.Open(in, out, sess.Device().Format())
	if err != nil {
		return err
	}
	if err := c.swapDevice(dev); err != nil { // keeps the recording, follows a conference
		dev.Close()
		return err
	}
	return nil
}

// Config returns a copy of the configuration in force.
func (p *Engine) Config() config.Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.conf.Clone()
}

// UpdateSettings saves the [audio] and [ui] settings and applies them to
// the calls placed or answered from now on.
func (p *Engine) UpdateSettings(ctx context.Context, a config.Audio, ui config.UI) error {
	var cs = codecs.Default()
	if len(a.Codecs) > 0 {
		var err error
		if cs, err = codecs.ByNames(a.Codecs); err != nil {
			return err
		}
	}
	return p.saveSettings(func(c *config.Config) { c.Audio, c.UI = a, ui }, func() { p.o.codecs = cs })
}

// saveSettings edits the configuration, saves it, puts it in force (apply,
// if not nil, runs then under p.mu) and reports it.
func (p *Engine) saveSettings(edit func(*config.Config), apply func()) error {
	p.cfgMu.Lock()
	defer p.cfgMu.Unlock()
	next := p.Config()
	edit(&next)
	if err := next.Save(); err != nil {
		return err
	}
	p.mu.Lock()
	*p.conf = next
	if apply != nil {
		apply()
	}
	p.mu.Unlock()
	p.bus.Publish(ConfigEvent{Config: next.Clone(), What: "settings"})
	return nil
}

// codecList is the codecs new calls offer, in preference order.
func (p *Engine) codecList() []codec.Codec {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.o.codecs
}

// InputLevel is the current microphone level, 0..1 (RMS, full scale = 1).
// The first call opens the input device; it is closed again a few seconds
// after the last call.
func (p *Engine) InputLevel() float64 {
	if p.meter == nil {
		return 0
	}
	return p.meter.Level()
}

// openMeterInput opens the configured input for the level meter.
func (p *Engine) openMeterInput() (audio.Device, error) {
	p.mu.Lock()
	in := p.conf.Audio.Input
	p.mu.Unlock()
	return p.o.driver.Open(in, "", audio.Format{SampleRate: 16000, Channels: 1, Period: 20 * time.Millisecond})
}
