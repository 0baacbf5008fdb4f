package gui

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/gui/env"
)

// fixedNow is the frame time of every test frame, so that call timers,
// "2 min ago" labels and the caret render the same on every run.
var fixedNow = time.Date(2025, time.March, 14, 15, 9, 26, 0, time.UTC)

// command is one call the window made on the phone.
type command struct {
	Name string
	Args []any
}

func (c command) String() string { return fmt.Sprintf("%s%v", c.Name, c.Args) }

// fakePhone is an env.Phone with canned state. It records every command;
// commands arrive from the goroutines env.Run starts, so the record is
// guarded and also sent on a channel tests wait on.
//
// env.Phone is embedded (nil) so that methods the interface gains while the
// pages are being written still compile; calling one panics, which a test
// then reports.
type fakePhone struct {
	env.Phone

	mu       sync.Mutex
	snap     core.Snapshot
	calls    []call.Info
	stats    map[string]media.Stats
	cfg      config.Config
	devices  []audio.DeviceInfo
	received []command
	cmds     chan command
	dialErr  error
	nextID   int
	blf      map[string]core.BLFState // fakephone_msg_test.go
}

func newFakePhone() *fakePhone {
	return &fakePhone{stats: map[string]media.Stats{}, cmds: make(chan command, 256)}
}

func (f *fakePhone) record(name string, args ...any) {
	c := command{Name: name, Args: args}
	f.mu.Lock()
	f.received = append(f.received, c)
	f.mu.Unlock()
	select {
	case f.cmds <- c:
	default:
	}
}

// waitCommand waits (bounded) for the next command named name, skipping
// others, and returns it.
func (f *fakePhone) waitCommand(t testing.TB, name string) command {
	t.Helper()
	deadline := time.After(3 * time.Second)
	for {
		select {
		case c := <-f.cmds:
			if c.Name == name {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s command within 3 s; commands so far: %v", name, f.commands())
			return command{}
		}
	}
}

// noCommand checks that no command named name arrives within d.
func (f *fakePhone) noCommand(t testing.TB, name string, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case c := <-f.cmds:
			if c.Name == name {
				t.Fatalf("unexpected command %v", c)
			}
		case <-deadline:
			return
		}
	}
}

func (f *fakePhone) commands() []command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]command(nil), f.received...)
}

// State setters for the tests.

func (f *fakePhone) setCalls(cs ...call.Info) {
	f.mu.Lock()
	f.calls = cs
	f.mu.Unlock()
}

func (f *fakePhone) setStats(id string, s media.Stats) {
	f.mu.Lock()
	f.stats[id] = s
	f.mu.Unlock()
}

func (f *fakePhone) setAccounts(cfg []config.Account, st []account.Status) {
	f.mu.Lock()
	f.cfg.Accounts = cfg
	f.snap.Accounts = st
	f.mu.Unlock()
}

// env.Phone: state.

func (f *fakePhone) Snapshot() core.Snapshot {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.snap
	s.Accounts = append([]account.Status(nil), f.snap.Accounts...)
	return s
}

func (f *fakePhone) Calls() []call.Info {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call.Info(nil), f.calls...)
}

func (f *fakePhone) CallStats(id string) (media.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.stats[id]
	if !ok {
		return media.Stats{}, errors.New("fake: no media for call " + id)
	}
	return s, nil
}

func (f *fakePhone) Config() config.Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cfg
	c.Accounts = append([]config.Account(nil), f.cfg.Accounts...)
	return c
}

func (f *fakePhone) AudioDevices() ([]audio.DeviceInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]audio.DeviceInfo(nil), f.devices...), nil
}

// env.Phone: commands.

func (f *fakePhone) Dial(to string, o core.DialOptions) (string, error) {
	f.record("Dial", to, o.Account)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dialErr != nil {
		return "", f.dialErr
	}
	f.nextID++
	return fmt.Sprintf("fake-%d", f.nextID), nil
}

func (f *fakePhone) Answer(id string) error           { f.record("Answer", id); return nil }
func (f *fakePhone) Reject(id string, code int) error { f.record("Reject", id, code); return nil }
func (f *fakePhone) Hangup(id string) error           { f.record("Hangup", id); return nil }
func (f *fakePhone) Hold(id string) error             { f.record("Hold", id); return nil }
func (f *fakePhone) Resume(id string) error           { f.record("Resume", id); return nil }
func (f *fakePhone) Mute(id string, on bool) error    { f.record("Mute", id, on); return nil }
func (f *fakePhone) SendDTMF(id, digits string) error { f.record("SendDTMF", id, digits); return nil }
func (f *fakePhone) Register(name string) error       { f.record("Register", name); return nil }
func (f *fakePhone) SetCallAudio(id, in, out string) error {
	f.record("SetCallAudio", id, in, out)
	return nil
}

func (f *fakePhone) UpdateAccounts(accounts []config.Account) error {
	f.record("UpdateAccounts", accounts)
	f.mu.Lock()
	f.cfg.Accounts = append([]config.Account(nil), accounts...)
	f.mu.Unlock()
	return nil
}

func (f *fakePhone) UpdateSettings(a config.Audio, ui config.UI) error {
	f.record("UpdateSettings", a, ui)
	f.mu.Lock()
	f.cfg.Audio, f.cfg.UI = a, ui
	f.mu.Unlock()
	return nil
}

var _ env.Phone = (*fakePhone)(nil)

// Canned states.

func cannedAccounts() ([]config.Account, []account.Status) {
	cfg := []config.Account{
		{Name: "alice", DisplayName: "Alice Martin", Username: "alice", Domain: "sip.example.com",
			Proxy: "proxy.example.com:5060", Transport: "udp", Expires: 600, Enabled: true},
		{Name: "work", DisplayName: "Alice (work)", Username: "a.martin", Domain: "pbx.example.org",
			Transport: "tls", Expires: 300, Enabled: true},
	}
	st := []account.Status{
		{Account: "alice", State: account.Registered, Code: 200, Expires: 600, At: fixedNow.Add(-3 * time.Minute)},
		{Account: "work", State: account.Failed, Code: 403, Reason: "403 Forbidden (bad password)",
			RetryIn: 30 * time.Second, At: fixedNow.Add(-20 * time.Second)},
	}
	return cfg, st
}

// phoneWithAccounts is the usual idle phone: two accounts (one registered,
// one failed), audio devices and settings.
func phoneWithAccounts() *fakePhone {
	f := newFakePhone()
	f.setAccounts(cannedAccounts())
	f.snap.Listen = "192.0.2.10:5060"
	f.cfg.Path = "/home/alice/.config/softphone/config.toml"
	f.cfg.Audio = config.Audio{Input: "mic-usb", Output: "", Codecs: []string{"opus", "g722", "pcmu", "pcma"}}
	f.cfg.UI = config.UI{Theme: "light"}
	f.devices = []audio.DeviceInfo{
		{ID: "pulse", Name: "PulseAudio Sound Server", IsDefault: true, Capture: true, Playback: true},
		{ID: "mic-usb", Name: "USB Headset Microphone", Capture: true},
		{ID: "spk-usb", Name: "USB Headset Speaker", Playback: true},
		{ID: "hda", Name: "Built-in Audio Analog Stereo", Capture: true, Playback: true},
	}
	return f
}

func incomingCall() call.Info {
	return call.Info{ID: "in-1", Direction: call.Inbound, Account: "alice", State: call.Incoming,
		Remote:  call.Party{DisplayName: "Bob Dupont", URI: "sip:bob@sip.example.com"},
		Started: fixedNow.Add(-4 * time.Second)}
}

func connectedCall() call.Info {
	return call.Info{ID: "out-1", Direction: call.Outgoing, Account: "alice", State: call.Connected,
		Remote: call.Party{DisplayName: "Carol Smith", URI: "sip:carol@sip.example.com"}, Codec: "opus",
		Started: fixedNow.Add(-95 * time.Second), Answered: fixedNow.Add(-83 * time.Second)}
}

func heldCall() call.Info {
	c := connectedCall()
	c.State, c.LocalHold = call.Held, true
	return c
}

func secondCall() call.Info {
	return call.Info{ID: "out-2", Direction: call.Outgoing, Account: "alice", State: call.Connected,
		Remote: call.Party{URI: "sip:+33123456789@sip.example.com"}, Codec: "G722",
		Started: fixedNow.Add(-40 * time.Second), Answered: fixedNow.Add(-31 * time.Second)}
}

func cannedStats(codec string) media.Stats {
	return media.Stats{PacketsSent: 4150, PacketsReceived: 4122, Lost: 28, Jitter: 4 * time.Millisecond,
		RTT: 38 * time.Millisecond, RemoteFractionLost: 0.004, RemoteLost: 12, RemoteJitter: 6 * time.Millisecond,
		Concealed: 31, Late: 3, JitterDelay: 60 * time.Millisecond, Codec: codec}
}
