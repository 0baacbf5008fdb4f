package core

import (
	"context"
	"fmt"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
)

// What a user does to one call of a conference: take it out (Split),
// mute the microphone (for every party), move to another device.

// setMuted mutes or unmutes the user's microphone for every party, and
// in the recording. p.fx.mu held.
func (conf *conference) setMuted(on bool) {
	conf.muted = on
	conf.bridge.SetMicMuted(on)
	conf.tap.SetMuted(on)
}

// muteMic mutes or unmutes the user's microphone on call c (Mute): in a
// conference, for every party (each leg shows it), and it reports true:
// the call's session must not mute itself, or its party would stop
// hearing the others too. On a call of its own only its recording is
// told, and the caller mutes the session.
func (c *activeCall) muteMic(on bool) bool {
	p := c.p
	p.fx.mu.Lock()
	defer p.fx.mu.Unlock()
	conf := c.fx.conf
	if conf == nil {
		if v := c.view(); v != nil {
			v.tap.SetMuted(on)
		}
		return false
	}
	conf.setMuted(on)
	for _, l := range conf.legs {
		_ = l.m.SetMuted(on)
	}
	return true
}

// swapDevice moves the conference to another device of the user's.
// p.fx.mu held.
func (conf *conference) swapDevice(dev audio.Device) error {
	inner, err := audio.Adapt(dev, conf.bridge.Format())
	if err != nil {
		return err
	}
	tap := audio.NewTap(inner)
	tap.SetTone(conf.tap.Tone())
	tap.SetMuted(conf.muted)
	rec := conf.tap.SetRecorder(nil)
	tap.SetRecorder(rec)
	old, err := conf.bridge.SwapDevice(tap)
	if err != nil {
		tap.SetRecorder(nil)
		conf.tap.SetRecorder(rec)
		return err
	}
	conf.tap = tap
	return old.Close()
}

// Split takes a call out of its conference: it gets a device of its own
// again and goes on hold, like any second call. A conference left with
// one call ends.
func (p *Engine) Split(ctx context.Context, id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	p.fx.mu.Lock()
	conf := c.fx.conf
	p.fx.mu.Unlock()
	sess := c.session()
	if conf == nil || sess == nil {
		return fmt.Errorf("split %s: not in a conference", id)
	}
	f := sess.Device().Format()
	dev, err := p.o.audio(c.m.Info(), f)
	if err != nil {
		return fmt.Errorf("split %s: audio device: %w", id, err)
	}
	tap := audio.NewTap(dev)
	view, err := newCallDevice(tap, f)
	if err != nil {
		tap.Close()
		return fmt.Errorf("split %s: %w", id, err)
	}
	p.fx.mu.Lock()
	if c.fx.conf != conf {
		p.fx.mu.Unlock()
		view.Close()
		return fmt.Errorf("split %s: not in a conference", id)
	}
	tap.SetTone(c.fx.tone)
	if err := sess.SwapDevice(view); err != nil { // closes its port
		p.fx.mu.Unlock()
		view.Close()
		return fmt.Errorf("split %s: %w", id, err)
	}
	// Its session was never muted in the conference: nor is the call now.
	_ = c.m.Update(func(i *call.Info) {
		setRecording(i, nil)
		i.Muted = false
	})
	conf.remove(c)
	p.fx.mu.Unlock()
	if err := p.setHold(ctx, id, true); err != nil {
		return fmt.Errorf("split %s: hold: %w", id, err)
	}
	return nil
}
