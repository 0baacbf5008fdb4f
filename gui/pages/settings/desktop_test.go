package settings

import (
	"testing"

	"github.com/softphone/softphone/core/config"
)

func TestStartAtLoginSwitch(t *testing.T) {
	p := setupPhone()
	p.Cfg.UI = config.UI{Theme: "dark", NoTray: true}
	h := newHarness(t, p)
	if n := h.Must("Start at login"); n.Selected {
		t.Fatal("the switch is on with start_at_login unset")
	}
	h.Click("Start at login")
	if h.Must("Apply and save the settings").Disabled {
		t.Fatal("Apply is disabled after turning the switch on")
	}
	h.Click("Apply and save the settings")
	saved := p.SavedSettings()
	if len(saved) != 1 {
		t.Fatalf("UpdateSettings calls = %d, want 1", len(saved))
	}
	// Only the one setting changes: the rest of [ui] is kept as it was.
	if want := (config.UI{Theme: "dark", NoTray: true, StartAtLogin: true}); saved[0].UI != want {
		t.Errorf("saved UI %+v, want %+v", saved[0].UI, want)
	}
}

func TestStartAtLoginFollowsConfig(t *testing.T) {
	p := setupPhone()
	p.Cfg.UI.StartAtLogin = true
	h := newHarness(t, p)
	if n := h.Must("Start at login"); !n.Selected {
		t.Errorf("the switch is off with start_at_login = true: %+v", n)
	}
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply is enabled with nothing changed")
	}
}
