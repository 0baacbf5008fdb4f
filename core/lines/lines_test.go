package lines

import (
	"testing"

	"github.com/softphone/softphone/core/config"
)

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
	l := &Line{Cfg: a}
	if l.withConfig(a) != l {
		t.Error("withConfig of the same settings made a new line")
	}
	if n := l.withConfig(b); n == l || !n.Cfg.Equal(b) || !l.Cfg.Equal(a) {
		t.Error("withConfig changed the old line or kept the old settings")
	}
}
