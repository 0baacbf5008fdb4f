package conference

import (
	"fmt"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
)

// What a user does to one call, in a conference or not: take it out
// (Split), mute the microphone (for every party), move to another device,
// hear the waiting tone.

// Wrap is the device chain a call's media starts with: dev inside the tap
// that records it and plays the waiting tone (when already wanted).
func (m *Manager) Wrap(c Call, dev audio.Device) audio.Device {
	m.mu.Lock()
	tone := c.Leg().tone
	m.mu.Unlock()
	return calldev.Wrap(dev, tone)
}

// userTap is the tap of what the user hears on call c: its conference's,
// or its own. m.mu held.
func userTap(c Call) *audio.Tap {
	if conf := c.Leg().conf; conf != nil {
		return conf.tap
	}
	if v := own(c); v != nil {
		return v.Tap()
	}
	return nil
}

// SetTone starts or stops the call-waiting tone mixed into what call c
// plays to the user (a second call rings meanwhile). It is kept across
// device changes and conferences.
func (m *Manager) SetTone(c Call, on bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c.Leg().tone = on
	if tap := userTap(c); tap != nil {
		tap.SetTone(on)
	}
}

// setMuted mutes or unmutes the user's microphone for every party, and
// in the recording. m.mu held.
func (conf *conference) setMuted(on bool) {
	conf.muted = on
	conf.bridge.SetMicMuted(on)
	conf.tap.SetMuted(on)
}

// Mute mutes or unmutes the user's microphone on call c: in a conference,
// for every party (each leg shows it), and it reports true: the call's
// session must not mute itself, or its party would stop hearing the
// others too. On a call of its own only its recording is told, and the
// caller mutes the session.
func (m *Manager) Mute(c Call, on bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	conf := c.Leg().conf
	if conf == nil {
		if v := own(c); v != nil {
			v.Tap().SetMuted(on)
		}
		return false
	}
	conf.setMuted(on)
	for _, l := range conf.legs {
		_ = l.Machine().SetMuted(on)
	}
	return true
}

// SwapDevice moves call c to dev (the user picked another device): a
// conference's device when c is in one. The recording and the waiting
// tone carry on. On error dev is still the caller's.
func (m *Manager) SwapDevice(c Call, dev audio.Device) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	l := c.Leg()
	if l.conf != nil {
		return l.conf.swapDevice(dev)
	}
	sess := c.Session()
	if sess == nil {
		return fmt.Errorf("audio %s: %w", c.ID(), call.ErrTransition)
	}
	return calldev.Swap(sess, dev, l.tone)
}

// swapDevice moves the conference to another device of the user's.
// m.mu held.
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

// Split takes call c out of its conference with a device of its own
// again (the phone then holds it, like any second call). A conference
// left with one call ends.
func (m *Manager) Split(c Call) error {
	id := c.ID()
	m.mu.Lock()
	conf := c.Leg().conf
	m.mu.Unlock()
	sess := c.Session()
	if conf == nil || sess == nil {
		return fmt.Errorf("split %s: not in a conference", id)
	}
	f := sess.Device().Format()
	dev, err := m.open(c, f)
	if err != nil {
		return fmt.Errorf("split %s: audio device: %w", id, err)
	}
	tap := audio.NewTap(dev)
	view, err := calldev.NewView(tap, f)
	if err != nil {
		tap.Close()
		return fmt.Errorf("split %s: %w", id, err)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c.Leg().conf != conf {
		view.Close()
		return fmt.Errorf("split %s: not in a conference", id)
	}
	tap.SetTone(c.Leg().tone)
	if err := sess.SwapDevice(view); err != nil { // closes its port
		view.Close()
		return fmt.Errorf("split %s: %w", id, err)
	}
	// Its session was never muted in the conference: nor is the call now.
	_ = c.Machine().Update(func(i *call.Info) {
		calldev.SetRecording(i, nil)
		i.Muted = false
	})
	conf.remove(c)
	return nil
}
