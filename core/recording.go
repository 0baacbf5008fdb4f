package core

import (
	"fmt"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/calldev"
	"github.com/softphone/softphone/core/conference"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/store"
)

// Recordings are made by core/calldev (files) on the taps core/conference
// keeps; see calldev for the file's format, name and folder.

// ErrNotRecording is returned by StopRecording for a call not recorded.
var ErrNotRecording = calldev.ErrNotRecording

// StartRecording records call id (or its whole conference) and returns the
// file. Recording a call already recorded returns its file.
func (p *Engine) StartRecording(id string) (string, error) {
	c, err := p.getCall(id)
	if err != nil {
		return "", err
	}
	if !c.m.Info().Established() {
		return "", fmt.Errorf("record %s: %w", id, call.ErrTransition)
	}
	path, err := p.confs.StartRecording(c, p.newRecorder)
	if err != nil {
		return "", err
	}
	p.o.log.Info("recording", "call", id, "file", path)
	return path, nil
}

// StopRecording stops recording call id (or its conference) and finishes
// the file.
func (p *Engine) StopRecording(id string) error {
	c, err := p.getCall(id)
	if err != nil {
		return err
	}
	rec, err := p.confs.StopRecording(c)
	if err != nil {
		return err
	}
	err = rec.Close()
	p.o.log.Info("recording stopped", "call", id, "file", rec.Path(), "lost_samples", rec.Dropped(), "error", err)
	return err
}

// newRecorder creates the recording file of calls (one call, or a
// conference's) at rate Hz, where and how the settings say.
func (p *Engine) newRecorder(calls []conference.Call, rate int) (*audio.Recorder, error) {
	a := p.Config().Audio
	dir, err := p.recs.Dir(a.RecordDir, store.DefaultDir)
	if err != nil {
		return nil, err
	}
	remotes := make([]string, 0, len(calls))
	for _, c := range calls {
		remotes = append(remotes, c.Machine().Info().Remote.URI)
	}
	return calldev.NewRecorder(dir, remotes, rate, a.RecordChannels == config.RecordMixed)
}

// setDefaultRecordDir makes dir the recordings folder when the
// configuration names none.
func (p *Engine) setDefaultRecordDir(dir string) { p.recs.SetDefault(dir) }
