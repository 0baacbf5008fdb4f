package guitest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/policy"
	"github.com/softphone/softphone/core/video"
)

// Phone is a fake core.Phone. Commands are recorded as "Name arg..." and
// change the calls and the configuration as the real phone would (hold,
// mute, answer, end, save); State serves them as the phone's read model.
// Set the exported fields before the screen runs commands on other
// goroutines.
type Phone struct {
	// Records answers the record queries (history, contacts, messages);
	// nil panics on a query, so a test that needs them sets one.
	core.Records

	Accounts []account.Status
	Listen   string
	Cfg      config.Config
	Quality  map[string]core.Quality // by call id
	Devices  []audio.DeviceInfo
	Level    float64          // what InputLevel reads
	Err      error            // returned by every command when set
	Fail     map[string]error // returned by the command of that name ("UpdateAccounts")
	VM       []core.VoicemailStatus
	BLF      map[string]core.BLFState // the lamps, by watched address
	// MissedCount and UnreadCount are the journal's counts (State's
	// UnseenMissed and Unread).
	MissedCount, UnreadCount int
	Clock                    func() time.Time // when StartRecording starts; nil: time.Now
	// RemoteFeeds and LocalFeeds are the calls' pictures (by call id),
	// VideoDevs the capture devices.
	RemoteFeeds, LocalFeeds map[string]*video.Feed
	VideoDevs               []video.DeviceInfo

	mu       sync.Mutex // guards what follows, and the fields above once commands run
	version  uint64
	calls    []call.Info
	watched  []string
	cmds     []string
	accounts [][]config.Account
	settings []Settings
	subs     []chan core.Event
}

// Settings are what UpdateSettings was given.
type Settings struct {
	Audio config.Audio
	UI    config.UI
}

var _ core.Phone = (*Phone)(nil)

// NewPhone makes a phone with these calls.
func NewPhone(calls ...call.Info) *Phone {
	return &Phone{calls: calls, Quality: map[string]core.Quality{}, Fail: map[string]error{}}
}

// SetCalls replaces the calls.
func (p *Phone) SetCalls(calls ...call.Info) {
	p.mu.Lock()
	p.calls = calls
	p.version++
	p.mu.Unlock()
}

// Calls are the calls as State lists them.
func (p *Phone) Calls() []call.Info {
	return p.State().Calls
}

// State is the read model of the fake's fields: the calls oldest first
// (by start, then id, as the phone orders them), a version that moves
// with each command.
func (p *Phone) State() core.State {
	p.mu.Lock()
	defer p.mu.Unlock()
	calls := slices.Clone(p.calls)
	slices.SortStableFunc(calls, func(a, b call.Info) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	cfg := p.Cfg
	cfg.Accounts = slices.Clone(cfg.Accounts)
	cfg.Audio.Codecs = slices.Clone(cfg.Audio.Codecs)
	lamps := maps.Clone(p.BLF)
	if lamps == nil {
		lamps = map[string]core.BLFState{}
	}
	for _, u := range p.watched {
		if _, ok := lamps[u]; !ok {
			lamps[u] = core.BLFUnknown
		}
	}
	return core.State{
		Version: p.version, Listen: p.Listen, Accounts: slices.Clone(p.Accounts),
		Calls: calls, Quality: qualities(p.Quality), Voicemail: slices.Clone(p.VM),
		Lamps: lamps, Watched: slices.Clone(p.watched), Config: cfg,
		UnseenMissed: p.MissedCount, Unread: p.UnreadCount,
	}
}

// Events streams what Emit sends.
func (p *Phone) Events() (<-chan core.Event, func()) {
	ch := make(chan core.Event, 64)
	p.mu.Lock()
	p.subs = append(p.subs, ch)
	p.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			p.mu.Lock()
			defer p.mu.Unlock()
			if i := slices.Index(p.subs, ch); i >= 0 {
				p.subs = slices.Delete(p.subs, i, i+1)
				close(ch)
			}
		})
	}
}

// Emit sends ev to every Events stream.
func (p *Phone) Emit(ev core.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ch := range p.subs {
		ch <- ev
	}
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
	p.version++
	if err := p.Fail[name]; err != nil {
		return err
	}
	return p.Err
}

// change records the command, then applies f to call id.
func (p *Phone) change(id string, f func(*call.Info), name string, args ...any) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.changeLocked(id, f, name, args...)
}

func (p *Phone) changeLocked(id string, f func(*call.Info), name string, args ...any) error {
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

func (p *Phone) Dial(_ context.Context, to string, o core.DialOptions) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return "new", p.record("Dial", to)
}

// Answer answers call id after holding the calls with audio going, as
// the phone does (call waiting).
func (p *Phone) Answer(_ context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	err := p.changeLocked(id, func(c *call.Info) { c.State, c.Answered = call.Connected, time.Now() }, "Answer")
	if err != nil {
		return err
	}
	for i := range p.calls {
		if c := &p.calls[i]; c.ID != id && (c.State == call.Connected || c.State == call.RemoteHeld) {
			c.LocalHold, c.State = true, call.Held
		}
	}
	return nil
}

func (p *Phone) Decline(id string) error {
	return p.change(id, func(c *call.Info) { c.State = call.Ended }, "Decline")
}

func (p *Phone) Reject(id string, code int) error {
	return p.change(id, func(c *call.Info) { c.State = call.Ended }, "Reject", code)
}

func (p *Phone) Hangup(id string) error {
	return p.change(id, func(c *call.Info) { c.State = call.Ended }, "Hangup")
}

func (p *Phone) Hold(_ context.Context, id string) error {
	return p.change(id, func(c *call.Info) { c.LocalHold, c.State = true, call.Held }, "Hold")
}

func (p *Phone) Resume(_ context.Context, id string) error {
	return p.change(id, func(c *call.Info) {
		c.LocalHold, c.State = false, call.Connected
		if c.RemoteHold {
			c.State = call.RemoteHeld
		}
	}, "Resume")
}

// SwitchTo holds the other calls and resumes id (or its conference), by
// the phone's own policy.
func (p *Phone) SwitchTo(_ context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.changeLocked(id, func(*call.Info) {}, "SwitchTo"); err != nil {
		return err
	}
	hold, resume := policy.ToHold(p.calls, id), policy.ToResume(p.calls, id)
	for i := range p.calls {
		c := &p.calls[i]
		switch {
		case slices.Contains(hold, c.ID):
			c.LocalHold, c.State = true, call.Held
		case slices.Contains(resume, c.ID):
			c.LocalHold, c.State = false, call.Connected
			if c.RemoteHold {
				c.State = call.RemoteHeld
			}
		}
	}
	return nil
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

func (p *Phone) InputLevel() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.Level
}

func (p *Phone) UpdateAccounts(_ context.Context, list []config.Account) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.accounts = append(p.accounts, slices.Clone(list))
	if err := p.record("UpdateAccounts"); err != nil {
		return err
	}
	p.Cfg.Accounts = slices.Clone(list)
	return nil
}

func (p *Phone) UpdateSettings(_ context.Context, a config.Audio, ui config.UI) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.settings = append(p.settings, Settings{a, ui})
	if err := p.record("UpdateSettings"); err != nil {
		return err
	}
	p.Cfg.Audio, p.Cfg.UI = a, ui
	return nil
}

// qualities is the read model's form of the fake's figures.
func qualities(m map[string]core.Quality) core.Qualities {
	var q core.Qualities
	for id, v := range m {
		q = q.With(id, v)
	}
	return q
}
