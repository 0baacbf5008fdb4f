package guitest

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/gui/env"
)

// Phone is a fake env.Phone. Commands are recorded as "Name arg..." and
// change the calls and the configuration as the real phone would (hold,
// mute, answer, end, save). Set the exported fields before the screen
// runs commands on other goroutines.
type Phone struct {
	Snap    core.Snapshot
	Cfg     config.Config
	Stats   map[string]media.Stats
	Devices []audio.DeviceInfo
	Err     error            // returned by every command when set
	Fail    map[string]error // returned by the command of that name ("UpdateAccounts")
	VM      []core.VoicemailStatus
	BLF     map[string]core.BLFState
	Clock   func() time.Time // when StartRecording starts; nil: time.Now

	mu       sync.Mutex
	calls    []call.Info
	cmds     []string
	accounts [][]config.Account
	settings []Settings
}

// Settings are what UpdateSettings was given.
type Settings struct {
	Audio config.Audio
	UI    config.UI
}

var _ env.Phone = (*Phone)(nil)

// NewPhone makes a phone with these calls (oldest first).
func NewPhone(calls ...call.Info) *Phone {
	return &Phone{calls: calls, Stats: map[string]media.Stats{}, Fail: map[string]error{}}
}

// SetCalls replaces the calls.
func (p *Phone) SetCalls(calls ...call.Info) {
	p.mu.Lock()
	p.calls = calls
	p.mu.Unlock()
}

// Commands returns the commands sent so far.
func (p *Phone) Commands() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.cmds)
}

// Count is how many commands named name were sent.
func (p *Phone) Count(name string) int {
	n := 0
	for _, c := range p.Commands() {
		if c == name || strings.HasPrefix(c, name+" ") {
			n++
		}
	}
	return n
}

// Reset forgets the commands sent so far.
func (p *Phone) Reset() {
	p.mu.Lock()
	p.cmds = nil
	p.mu.Unlock()
}

// SavedAccounts are the lists UpdateAccounts was given, failed or not.
func (p *Phone) SavedAccounts() [][]config.Account {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.accounts)
}

// SavedSettings are what UpdateSettings was given, failed or not.
func (p *Phone) SavedSettings() []Settings {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.settings)
}

// record notes a command and returns the error it fails with; call with
// mu held.
func (p *Phone) record(name string, args ...any) error {
	c := name
	if len(args) > 0 {
		c += " " + strings.TrimSuffix(fmt.Sprintln(args...), "\n")
	}
	p.cmds = append(p.cmds, c)
	if err := p.Fail[name]; err != nil {
		return err
	}
	return p.Err
}

// change records the command, then applies f to call id.
func (p *Phone) change(id string, f func(*call.Info), name string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.record(name, append([]any{id}, args...)...); err != nil {
		return err
	}
	for i := range p.calls {
		if p.calls[i].ID == id {
			f(&p.calls[i])
			return nil
		}
	}
	return fmt.Errorf("no call %q", id)
}

func (p *Phone) Snapshot() core.Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Snap
}

func (p *Phone) Calls() []call.Info {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.calls)
}

func (p *Phone) CallStats(id string) (media.Stats, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Stats[id], nil
}

func (p *Phone) Dial(to string, o core.DialOptions) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "new", p.record("Dial", to)
}

func (p *Phone) Answer(id string) error {
	return p.change(id, func(c *call.Info) { c.State, c.Answered = call.Connected, time.Now() }, "Answer")
}

func (p *Phone) Reject(id string, code int) error {
	return p.change(id, func(c *call.Info) { c.State = call.Ended }, "Reject", code)
}

func (p *Phone) Hangup(id string) error {
	return p.change(id, func(c *call.Info) { c.State = call.Ended }, "Hangup")
}

func (p *Phone) Hold(id string) error {
	return p.change(id, func(c *call.Info) { c.LocalHold, c.State = true, call.Held }, "Hold")
}

func (p *Phone) Resume(id string) error {
	return p.change(id, func(c *call.Info) {
		c.LocalHold, c.State = false, call.Connected
		if c.RemoteHold {
			c.State = call.RemoteHeld
		}
	}, "Resume")
}

func (p *Phone) Mute(id string, on bool) error {
	return p.change(id, func(c *call.Info) { c.Muted = on }, "Mute", on)
}

func (p *Phone) SendDTMF(id, digits string) error {
	return p.change(id, func(*call.Info) {}, "DTMF", digits)
}

func (p *Phone) SetCallAudio(id, in, out string) error {
	return p.change(id, func(*call.Info) {}, "SetCallAudio", "in="+in, "out="+out)
}

func (p *Phone) Register(name string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.record("Register", name)
}

func (p *Phone) AudioDevices() ([]audio.DeviceInfo, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.Devices), p.record("AudioDevices")
}

func (p *Phone) Config() config.Config {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.Cfg
	c.Accounts = slices.Clone(c.Accounts)
	c.Audio.Codecs = slices.Clone(c.Audio.Codecs)
	return c
}

func (p *Phone) UpdateAccounts(list []config.Account) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accounts = append(p.accounts, slices.Clone(list))
	if err := p.record("UpdateAccounts"); err != nil {
		return err
	}
	p.Cfg.Accounts = slices.Clone(list)
	return nil
}

func (p *Phone) UpdateSettings(a config.Audio, ui config.UI) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settings = append(p.settings, Settings{a, ui})
	if err := p.record("UpdateSettings"); err != nil {
		return err
	}
	p.Cfg.Audio, p.Cfg.UI = a, ui
	return nil
}
