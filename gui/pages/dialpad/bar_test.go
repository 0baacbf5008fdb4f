package dialpad_test

import (
	"image"
	"testing"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/internal/guitest"
	"github.com/softphone/softphone/gui/pages/dialpad"
	"github.com/softphone/softphone/gui/theme"
)

func accounts() []config.Account {
	return []config.Account{
		{Name: "alice", Username: "alice", Domain: "sip.example.com", Enabled: true},
		{Name: "work", Username: "a.martin", Domain: "pbx.example.org", Enabled: true},
	}
}

// barScreen is a dialpad over a phone with these accounts and voicemail
// statuses, after its first frame.
func barScreen(t *testing.T, accs []config.Account, vm ...core.VoicemailStatus) *guitest.Screen {
	ph := guitest.NewPhone()
	ph.Cfg.Accounts = accs
	ph.VM = vm
	for _, a := range accs {
		ph.Accounts = append(ph.Accounts, account.Status{Account: a.Name, State: account.Registered})
	}
	s := &guitest.Screen{Harness: guitest.NewPage(t, ph, theme.New(false, nil), image.Pt(400, 760), now, dialpad.New().Layout), Phone: ph}
	s.Frame()
	return s
}

func TestDNDToggle(t *testing.T) {
	s := barScreen(t, accounts())
	d, ok := s.FindPart("Do not disturb is off")
	if !ok || d.Selected {
		t.Fatalf("DND not shown off (%v); have %q", ok, s.Descriptions())
	}
	s.ClickPart("Do not disturb is off")
	s.Want("SetDND true")
	if d, _ := s.FindPart("Do not disturb is on: calls are refused"); !d.Selected {
		t.Errorf("DND not shown on; have %q", s.Descriptions())
	}
	s.ClickPart("Do not disturb is on")
	s.Want("SetDND false")
	s.ExpectPart("Do not disturb is off")
}

// TestDNDShownFromTheConfiguration: do not disturb is on when every
// enabled account refuses calls (the phone's State.DND), read each frame.
func TestDNDShownFromTheConfiguration(t *testing.T) {
	accs := accounts()
	accs[1].DND = true
	s := barScreen(t, accs)
	s.ExpectPart("Do not disturb is off") // alice still takes calls
	// A disabled account takes no calls: its DND does not count.
	accs[0].Enabled = false
	s.Phone.Cfg.Accounts = accs
	s.Frame()
	s.ExpectPart("Do not disturb is on")
}

func TestDNDFailureShowsTheOldState(t *testing.T) {
	s := barScreen(t, accounts())
	s.Phone.Fail["SetDND"] = errTest("not saved")
	s.ClickPart("Do not disturb is off")
	s.Want("SetDND true")
	s.ExpectPart("Do not disturb is off")
	if len(s.Errs) != 1 {
		t.Errorf("errors %q, want the failure shown", s.Errs)
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestForwardingBadge(t *testing.T) {
	for _, c := range []struct {
		name        string
		set         func(a *config.Account)
		want        string
		wantNothing bool
	}{
		{"none", func(*config.Account) {}, "", true},
		{"always", func(a *config.Account) { a.ForwardAlways, a.ForwardBusy = "1002", "1003" }, "Forwarding on → 1002", false},
		{"busy", func(a *config.Account) { a.ForwardBusy = "sip:desk@example.com" }, "Forwarding on → sip:desk@example.com when busy", false},
		{"no answer", func(a *config.Account) { a.ForwardNoAnswer = "1009" }, "Forwarding on → 1009 when not answered", false},
		{"disabled", func(a *config.Account) { a.ForwardAlways, a.Enabled = "1002", false }, "", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			accs := accounts()
			c.set(&accs[1])
			s := barScreen(t, accs)
			if c.wantNothing {
				if _, ok := s.FindPart("Forwarding on"); ok {
					t.Errorf("forwarding badge shown; have %q", s.Descriptions())
				}
				return
			}
			if _, ok := s.Find(c.want); !ok {
				t.Errorf("no %q; have %q", c.want, s.Descriptions())
			}
		})
	}
}

func TestVoicemailDialsTheAccountWithMessages(t *testing.T) {
	s := barScreen(t, accounts(),
		core.VoicemailStatus{Account: "alice", Number: "*97"},
		core.VoicemailStatus{Account: "work", Waiting: true, New: 3, Old: 1, Number: "8000"})
	s.ClickPart("Call your voicemail: 3 new messages")
	s.Want("DialVoicemail work")
}

func TestVoicemailFromTheConfiguredNumber(t *testing.T) {
	accs := accounts()
	accs[0].Voicemail = "*97"
	s := barScreen(t, accs)
	s.ClickPart("Call your voicemail")
	s.Want("DialVoicemail alice")
}

func TestVoicemailWithoutANumberIsDisabled(t *testing.T) {
	s := barScreen(t, accounts(), core.VoicemailStatus{Account: "work", Waiting: true, New: 2})
	d, ok := s.FindPart("Voicemail: no number set")
	if !ok || !d.Disabled {
		t.Fatalf("voicemail not disabled with a hint (%v); have %q", ok, s.Descriptions())
	}
	s.ExpectPart("(2 new messages)")
	s.ClickPart("Voicemail: no number set")
	s.Want()
}

func TestVoicemailCountFollowsThePhone(t *testing.T) {
	s := barScreen(t, accounts(), core.VoicemailStatus{Account: "alice", Number: "*97"})
	s.ExpectPart("Call your voicemail")
	if _, ok := s.FindPart("new message"); ok {
		t.Error("a count with no new message")
	}
	s.Phone.VM = []core.VoicemailStatus{{Account: "alice", Number: "*97", Waiting: true, New: 1}}
	// The next frame's state has it: no polling, no wait.
	s.Frame()
	s.ExpectPart("Call your voicemail: 1 new message")
}

func TestNoBarWithoutAccounts(t *testing.T) {
	s := barScreen(t, nil)
	for _, d := range []string{"Do not disturb", "Voicemail", "Forwarding"} {
		if _, ok := s.FindPart(d); ok {
			t.Errorf("%s shown with no account", d)
		}
	}
}

// TestBarAsyncRun runs the commands on the window's queue goroutine (go
// test -race checks the bar's locking).
func TestBarAsyncRun(t *testing.T) {
	s := barScreen(t, accounts(), core.VoicemailStatus{Account: "alice", Number: "*97", New: 1})
	wait := s.Async()
	s.ClickPart("Do not disturb is off")
	// While SetDND runs, the switch shows what was asked for.
	s.Frame()
	wait()
	s.Frame()
	s.ExpectPart("Do not disturb is on")
	s.ClickPart("Call your voicemail")
	wait()
	s.Want("SetDND true", "DialVoicemail alice")
}
