package gui

import (
	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
)

// The fake phone's call features: transfer, conference, recording, do not
// disturb and voicemail (the dialpad reads Voicemail on every screen).

func (f *fakePhone) Transfer(id, target string) error {
	f.record("Transfer", id, target)
	return nil
}

func (f *fakePhone) AttendedTransfer(id, consultID string) error {
	f.record("AttendedTransfer", id, consultID)
	return nil
}

func (f *fakePhone) Merge(ids ...string) (string, error) {
	f.record("Merge", ids)
	return "conf-1", nil
}

func (f *fakePhone) Split(id string) error {
	f.record("Split", id)
	return nil
}

func (f *fakePhone) StartRecording(id string) (string, error) {
	f.record("StartRecording", id)
	return "/tmp/rec.wav", nil
}

func (f *fakePhone) StopRecording(id string) error {
	f.record("StopRecording", id)
	return nil
}

func (f *fakePhone) SetDND(on bool) error {
	f.record("SetDND", on)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.Accounts = append([]config.Account(nil), f.cfg.Accounts...)
	for i := range f.cfg.Accounts {
		f.cfg.Accounts[i].DND = on
	}
	return nil
}

func (f *fakePhone) Voicemail() []core.VoicemailStatus { return nil }

func (f *fakePhone) DialVoicemail(account string) (string, error) {
	f.record("DialVoicemail", account)
	return "vm-1", nil
}

// vmPhone is the fake phone with messages waiting.
type vmPhone struct {
	*fakePhone
	vm []core.VoicemailStatus
}

func (v vmPhone) Voicemail() []core.VoicemailStatus {
	return append([]core.VoicemailStatus(nil), v.vm...)
}
