package guitest

import (
	"maps"
	"slices"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// The business features record their command and change the calls and
// the configuration the way the phone reports them: a transfer starts
// "trying", merged calls share a conference, a recording has a file, DND
// is saved on every account.

// ConfID is the conference Merge makes; RecordPath the file StartRecording
// reports.
const (
	ConfID     = "conf"
	RecordPath = "/tmp/rec.wav"
)

func (p *Phone) Transfer(id, target string) error {
	return p.change(id, func(c *call.Info) { c.Transfer = "trying" }, "Transfer", target)
}

func (p *Phone) AttendedTransfer(id, consultID string) error {
	return p.change(id, func(c *call.Info) { c.Transfer = "trying" }, "AttendedTransfer", consultID)
}

func (p *Phone) Merge(ids ...string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	if err := p.record("Merge", args...); err != nil {
		return "", err
	}
	// The conference has every call merged, all of them taken off hold.
	for i := range p.calls {
		if slices.Contains(ids, p.calls[i].ID) {
			c := &p.calls[i]
			c.Conference, c.LocalHold = ConfID, false
			if c.State == call.Held {
				c.State = call.Connected
			}
		}
	}
	return ConfID, nil
}

func (p *Phone) Split(id string) error {
	conf := ""
	err := p.change(id, func(c *call.Info) { conf, c.Conference = c.Conference, "" }, "Split")
	if err != nil || conf == "" {
		return err
	}
	// A conference of one is no conference.
	p.mu.Lock()
	defer p.mu.Unlock()
	left := -1
	for i := range p.calls {
		if p.calls[i].Conference == conf && p.calls[i].State != call.Ended {
			if left >= 0 {
				return nil
			}
			left = i
		}
	}
	if left >= 0 {
		p.calls[left].Conference = ""
	}
	return nil
}

// StartRecording records call id from now (Clock), unless it records
// already; a conference's legs all record, as the phone does.
func (p *Phone) StartRecording(id string) (string, error) {
	now := time.Now()
	if p.Clock != nil {
		now = p.Clock()
	}
	var conf string
	err := p.change(id, func(c *call.Info) {
		if c.Recording == "" {
			c.Recording, c.RecordingSince = RecordPath, now
		}
		conf, now = c.Conference, c.RecordingSince
	}, "StartRecording")
	if err != nil {
		return "", err
	}
	p.eachLeg(conf, func(c *call.Info) { c.Recording, c.RecordingSince = RecordPath, now })
	return RecordPath, nil
}

func (p *Phone) StopRecording(id string) error {
	var conf string
	err := p.change(id, func(c *call.Info) {
		c.Recording, c.RecordingSince, conf = "", time.Time{}, c.Conference
	}, "StopRecording")
	p.eachLeg(conf, func(c *call.Info) { c.Recording, c.RecordingSince = "", time.Time{} })
	return err
}

// eachLeg changes every call in conference conf ("": none).
func (p *Phone) eachLeg(conf string, f func(*call.Info)) {
	if conf == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := range p.calls {
		if p.calls[i].Conference == conf {
			f(&p.calls[i])
		}
	}
}

func (p *Phone) SetDND(on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.record("SetDND", on); err != nil {
		return err
	}
	p.Cfg.Accounts = slices.Clone(p.Cfg.Accounts)
	for i := range p.Cfg.Accounts {
		p.Cfg.Accounts[i].DND = on
	}
	return nil
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
