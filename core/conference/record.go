package conference

import (
	"fmt"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
)

// StartRecording records what the user hears and says on call c (its
// whole conference when it is in one) with the recorder create makes for
// those calls at the device's rate, and returns the file. A call already
// recorded returns its file. Each call's Info names the file.
func (m *Manager) StartRecording(c Call, create func(calls []Call, rate int) (*audio.Recorder, error)) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tap, legs := userTap(c), []Call{c}
	if conf := c.Leg().conf; conf != nil {
		legs = conf.legs
	}
	if tap == nil {
		return "", fmt.Errorf("record %s: the call has no audio device", c.ID())
	}
	if r := tap.Recorder(); r != nil {
		return r.Path(), nil
	}
	rec, err := create(legs, tap.Format().SampleRate)
	if err != nil {
		return "", err
	}
	tap.SetRecorder(rec)
	for _, l := range legs {
		_ = l.Machine().Update(func(i *call.Info) { calldev.SetRecording(i, rec) })
	}
	return rec.Path(), nil
}

// StopRecording stops recording call c (or its conference) and returns
// the recorder, for the caller to finish its file (Close) outside the
// lock; calldev.ErrNotRecording when c was not recorded.
func (m *Manager) StopRecording(c Call) (*audio.Recorder, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	tap, legs := userTap(c), []Call{c}
	if conf := c.Leg().conf; conf != nil {
		legs = conf.legs
	}
	var rec *audio.Recorder
	if tap != nil {
		rec = tap.SetRecorder(nil)
	}
	if rec == nil {
		return nil, fmt.Errorf("record %s: %w", c.ID(), calldev.ErrNotRecording)
	}
	for _, l := range legs {
		_ = l.Machine().Update(func(i *call.Info) { calldev.SetRecording(i, nil) })
	}
	return rec, nil
}
