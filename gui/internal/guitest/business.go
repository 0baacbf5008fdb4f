package guitest

import (
	"context"
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

func (p *Phone) Transfer(_ context.Context, id, target string) error {
	return p.change(id, func(c *call.Info) { c.Transfer = "trying" }, "Transfer", target)
}

func (p *Phone) AttendedTransfer(_ context.Context, id, consultID string) error {
	return p.change(id, func(c *call.Info) { c.Transfer = "trying" }, "AttendedTransfer", consultID)
}

func (p *Phone) Merge(_ context.Context, ids ...string) (string, error) {
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

func (p *Phone) Split(_ context.Context, id string) error {
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

// SetDND sets do not disturb on account ("": every account).
func (p *Phone) SetDND(_ context.Context, account string, on bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	args := []any{on}
	if account != "" {
		args = []any{account, on}
	}
	if err := p.record("SetDND", args...); err != nil {
		return err
	}
	p.Cfg.Accounts = slices.Clone(p.Cfg.Accounts)
	for i := range p.Cfg.Accounts {
		if account == "" || p.Cfg.Accounts[i].Name == account {
			p.Cfg.Accounts[i].DND = on
		}
	}
	return nil
}

// SetForwarding sets account's forwarding targets.
func (p *Phone) SetForwarding(_ context.Context, account string, f core.Forwarding) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.record("SetForwarding", account, f.Always, f.Busy, f.NoAnswer); err != nil {
		return err
	}
	p.Cfg.Accounts = slices.Clone(p.Cfg.Accounts)
	for i := range p.Cfg.Accounts {
		if a := &p.Cfg.Accounts[i]; a.Name == account {
			a.ForwardAlways, a.ForwardBusy, a.ForwardNoAnswer = f.Always, f.Busy, f.NoAnswer
		}
	}
	return nil
}

func (p *Phone) DialVoicemail(_ context.Context, account string) (string, error) {
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

// Watch records the watched set; State lists it, new lamps unknown.
func (p *Phone) Watch(_ context.Context, uris []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.record("Watch", uris); err != nil {
		return err
	}
	p.watched = slices.Clone(uris)
	return nil
}

func (p *Phone) Pickup(_ context.Context, uri string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "pickup", p.record("Pickup", uri)
}
