package guitest

import (
	"maps"
	"slices"
	"time"

	"github.com/softphone/softphone/core"
)

// The business features record their command; the GUI helpers refine
// what they change as the screens need it.

func (p *Phone) Transfer(id, target string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("Transfer", id, target)
}

func (p *Phone) AttendedTransfer(id, consultID string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("AttendedTransfer", id, consultID)
}

func (p *Phone) Merge(ids ...string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return "conf", p.record("Merge", args...)
}

func (p *Phone) Split(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("Split", id)
}

func (p *Phone) StartRecording(id string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "/tmp/rec.wav", p.record("StartRecording", id)
}

func (p *Phone) StopRecording(id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("StopRecording", id)
}

func (p *Phone) SetDND(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("SetDND", on)
}

func (p *Phone) Voicemail() []core.VoicemailStatus {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.VM)
}

func (p *Phone) DialVoicemail(account string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "vm", p.record("DialVoicemail", account)
}

func (p *Phone) SendMessage(account, to, text string) (core.Message, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return core.Message{Key: "m1", Account: account, Peer: to, Text: text, State: "sending", At: time.Now()},
		p.record("SendMessage", account, to, text)
}

func (p *Phone) Watch(uris []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("Watch", uris)
}

func (p *Phone) Watched() map[string]core.BLFState {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.BLF)
}

func (p *Phone) Pickup(uri string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "pickup", p.record("Pickup", uri)
}
