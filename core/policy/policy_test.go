package policy

import (
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

func info(id string, st call.State, conf string) call.Info {
	return call.Info{ID: id, State: st, LocalHold: st == call.Held, Conference: conf}
}

func TestBusy(t *testing.T) {
	if Busy([]call.Info{info("a", call.Incoming, ""), info("b", call.Ended, "")}) {
		t.Error("calls ringing for us made the phone busy")
	}
	for _, st := range []call.State{call.Dialing, call.Ringing, call.Connected, call.Held, call.RemoteHeld} {
		if !Busy([]call.Info{info("a", call.Incoming, ""), info("b", st, "")}) {
			t.Errorf("a %v call did not make the phone busy", st)
		}
	}
}

func TestScreen(t *testing.T) {
	for name, c := range map[string]struct {
		f    config.Features
		busy bool
		want Screening
	}{
		"rings":              {config.Features{}, true, Screening{}},
		"always":             {config.Features{ForwardAlways: "x"}, false, Screening{ForwardAlways: "x"}},
		"dnd":                {config.Features{DND: true, ForwardBusy: "vm"}, false, Screening{Refuse: ReasonDND, ForwardBusy: "vm"}},
		"busy in a call":     {config.Features{BusyWhenInCall: true}, true, Screening{Refuse: ReasonBusy}},
		"busy option, idle":  {config.Features{BusyWhenInCall: true, ForwardBusy: "vm"}, false, Screening{}},
		"always then dnd":    {config.Features{ForwardAlways: "x", DND: true}, false, Screening{ForwardAlways: "x", Refuse: ReasonDND}},
		"busy target unused": {config.Features{ForwardBusy: "vm"}, true, Screening{}},
	} {
		if got := Screen(c.f, c.busy); got != c.want {
			t.Errorf("%s: %+v, want %+v", name, got, c.want)
		}
	}
}

func TestAutoAnswer(t *testing.T) {
	hint := func() (time.Duration, bool) { return 2 * time.Second, true }
	none := func() (time.Duration, bool) { return 0, false }
	if d, _, ok := AutoAnswer(config.Features{AutoAnswer: true}, none, false); !ok || d != 0 {
		t.Errorf("intercom: %v %v", d, ok)
	}
	if _, _, ok := AutoAnswer(config.Features{AutoAnswer: true}, none, true); ok {
		t.Error("answered by itself during another call")
	}
	if d, why, ok := AutoAnswer(config.Features{AnswerAfterHints: true}, hint, false); !ok || d != 2*time.Second || why == "" {
		t.Errorf("hint: %v %q %v", d, why, ok)
	}
	if _, _, ok := AutoAnswer(config.Features{AnswerAfterHints: true}, none, false); ok {
		t.Error("answered with no hint")
	}
	if _, _, ok := AutoAnswer(config.Features{}, hint, false); ok {
		t.Error("a hint honoured without answer_after_hints")
	}
}

func TestDeclineCode(t *testing.T) {
	if c := DeclineCode([]call.Info{info("r", call.Incoming, "")}, "r"); c != 603 {
		t.Errorf("alone: %d", c)
	}
	if c := DeclineCode([]call.Info{info("r", call.Incoming, ""), info("other", call.Incoming, "")}, "r"); c != 603 {
		t.Errorf("with another ringing call: %d", c)
	}
	if c := DeclineCode([]call.Info{info("up", call.Held, ""), info("r", call.Incoming, "")}, "r"); c != 486 {
		t.Errorf("during a call: %d", c)
	}
}

func TestToHold(t *testing.T) {
	calls := []call.Info{
		info("a", call.Connected, ""), info("b", call.Held, ""), info("c", call.RemoteHeld, ""),
		info("d", call.Ringing, ""), info("e", call.Connected, "k"), info("f", call.Connected, "k"), info("new", call.Incoming, ""),
	}
	if got := ToHold(calls, "new"); !slices.Equal(got, []string{"a", "c", "e", "f"}) {
		t.Errorf("answering new holds %v", got)
	}
	if got := ToHold(calls, "e"); !slices.Equal(got, []string{"a", "c"}) {
		t.Errorf("talking on conference leg e holds %v", got)
	}
}

func TestToResume(t *testing.T) {
	calls := []call.Info{
		info("a", call.Connected, ""), info("b", call.Held, ""), info("c", call.Held, "k"), info("d", call.Held, "k"), info("e", call.Connected, "k"),
	}
	if got := ToResume(calls, "b"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("switching to b resumes %v", got)
	}
	if got := ToResume(calls, "e"); !slices.Equal(got, []string{"c", "d"}) {
		t.Errorf("switching to conference leg e resumes %v", got)
	}
	if got := ToResume(calls, "a"); len(got) != 0 {
		t.Errorf("switching to a call not held resumes %v", got)
	}
}

func TestAdmit(t *testing.T) {
	lan := netip.MustParsePrefix("198.18.0.0/24")
	in, out := netip.MustParseAddr("198.18.0.7"), netip.MustParseAddr("198.19.0.7")
	mapped := netip.MustParseAddr("::ffff:198.18.0.9")
	cases := []struct {
		name    string
		k       Knock
		d       Direct
		ringing int
		want    int
	}{
		{"through a registration", Knock{ViaAccount: true, Source: out, Invite: true}, Direct{}, 0, 0},
		{"scanner, direct off", Knock{Source: out, Invite: true}, Direct{}, 0, 403},
		{"scanner message, direct off", Knock{Source: out}, Direct{}, 0, 403},
		{"direct from anywhere", Knock{Source: out, Invite: true}, Direct{On: true}, 0, 0},
		{"direct from the allowed network", Knock{Source: in, Invite: true}, Direct{On: true, From: []netip.Prefix{lan}}, 0, 0},
		{"direct from a v4-mapped address", Knock{Source: mapped, Invite: true}, Direct{On: true, From: []netip.Prefix{lan}}, 0, 0},
		{"direct from elsewhere", Knock{Source: out, Invite: true}, Direct{On: true, From: []netip.Prefix{lan}}, 0, 403},
		{"replaces one of ours", Knock{ReplacesOurs: true, Source: out, Invite: true}, Direct{}, 9, 0},
		{"too many ringing", Knock{ViaAccount: true, Invite: true}, Direct{}, 4, 486},
		{"one below the limit", Knock{ViaAccount: true, Invite: true}, Direct{}, 3, 0},
		{"messages never ring", Knock{ViaAccount: true}, Direct{}, 4, 0},
	}
	for _, c := range cases {
		if got := Admit(c.k, c.d, c.ringing, 4); got != c.want {
			t.Errorf("%s: Admit = %d, want %d", c.name, got, c.want)
		}
	}
}

func TestDirectFor(t *testing.T) {
	for _, c := range []struct {
		s         config.Switch
		registers bool
		want      bool
	}{
		{config.Auto, true, false}, {config.Auto, false, true},
		{config.On, true, true}, {config.Off, false, false},
	} {
		if got := DirectFor(config.SIP{AllowDirect: c.s}, c.registers).On; got != c.want {
			t.Errorf("DirectFor(%v, registers=%v).On = %v, want %v", c.s, c.registers, got, c.want)
		}
	}
	d := DirectFor(config.SIP{DirectFrom: []string{"10.0.0.0/8", "198.18.0.7"}}, false)
	if len(d.From) != 2 || !d.allows(netip.MustParseAddr("198.18.0.7")) || d.allows(netip.MustParseAddr("198.18.0.8")) {
		t.Errorf("DirectFor From = %v", d.From)
	}
}
