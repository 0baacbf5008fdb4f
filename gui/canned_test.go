package gui

import (
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// fixedNow is the frame time of every test frame, so that call timers,
// "2 min ago" labels and the caret render the same on every run.
var fixedNow = time.Date(2025, time.March, 14, 15, 9, 26, 0, time.UTC)

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

// setAccounts gives the phone these accounts and their statuses.
func setAccounts(p *guitest.Phone, cfg []config.Account, st []account.Status) {
	p.Cfg.Accounts, p.Accounts = cfg, st
}

// phoneWithAccounts is the usual idle phone: two accounts (one registered,
// one failed), audio devices and settings.
func phoneWithAccounts() *guitest.Phone {
	f := guitest.NewPhone()
	cfg, st := cannedAccounts()
	setAccounts(f, cfg, st)
	f.Listen = "192.0.2.10:5060"
	f.Cfg.Path = "/home/alice/.config/softphone/config.toml"
	f.Cfg.Audio = config.Audio{Input: "mic-usb", Output: "", Codecs: []string{"opus", "g722", "pcmu", "pcma"}}
	f.Cfg.UI = config.UI{Theme: "light"}
	f.Devices = []audio.DeviceInfo{
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

// cannedStats is a call's quality reading, as the phone's state has it.
func cannedStats(codec string) core.Quality {
	var q core.Quality
	q.PacketsSent, q.PacketsReceived, q.Lost = 4150, 4122, 28
	q.Jitter, q.RTT, q.RemoteFractionLost, q.RemoteLost, q.RemoteJitter = 4*time.Millisecond, 38*time.Millisecond, 0.004, 12, 6*time.Millisecond
	q.Concealed, q.Late, q.JitterDelay, q.Codec = 31, 3, 60*time.Millisecond, codec
	q.At = fixedNow
	return q
}
