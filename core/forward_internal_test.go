package core

import (
	"testing"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

func TestWaitingToneCalls(t *testing.T) {
	up := func(id string, st call.State, conf string) call.Info {
		return call.Info{ID: id, State: st, LocalHold: st == call.Held, Conference: conf}
	}
	for _, tc := range []struct {
		name  string
		calls []call.Info
		want  []string
	}{
		{"idle", nil, nil},
		{"one call", []call.Info{up("a", call.Connected, "")}, nil},
		{"ringing alone", []call.Info{up("b", call.Incoming, "")}, nil},
		{"waiting", []call.Info{up("a", call.Connected, ""), up("b", call.Incoming, "")}, []string{"a"}},
		{"held by them still hears", []call.Info{up("a", call.RemoteHeld, ""), up("b", call.Incoming, "")}, []string{"a"}},
		{"held by us", []call.Info{up("a", call.Held, ""), up("b", call.Incoming, "")}, nil},
		{"outgoing ringing", []call.Info{up("a", call.Ringing, ""), up("b", call.Incoming, "")}, nil},
		{"conference once", []call.Info{up("a", call.Connected, "k"), up("c", call.Connected, "k"), up("d", call.Connected, ""), up("b", call.Incoming, "")}, []string{"a", "d"}},
	} {
		got := waitingToneCalls(tc.calls)
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for _, id := range tc.want {
			if !got[id] {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}

func TestSameRegistration(t *testing.T) {
	a := config.Account{Name: "a", Username: "a", Domain: "x.org", Password: "pw", Enabled: true}
	b := a
	b.DND, b.BusyWhenInCall, b.ForwardAlways, b.ForwardNoAnswerAfter, b.AutoAnswer = true, true, "sip:x@y", 5, true
	if !sameRegistration(b, a) {
		t.Error("call-handling changes restart the registration")
	}
	for name, f := range map[string]func(*config.Account){
		"password":  func(x *config.Account) { x.Password = "new" },
		"presence":  func(x *config.Account) { x.Presence = true },
		"mwi":       func(x *config.Account) { x.NoMWI = true },
		"voicemail": func(x *config.Account) { x.Voicemail = "*97" },
	} {
		c := b
		f(&c)
		if sameRegistration(c, a) {
			t.Errorf("a %s change keeps the running line", name)
		}
	}
	l := &line{cfg: a}
	if l.withConfig(a) != l {
		t.Error("withConfig of the same settings made a new line")
	}
	if n := l.withConfig(b); n == l || n.cfg != b || l.cfg != a {
		t.Error("withConfig changed the old line or kept the old settings")
	}
}
