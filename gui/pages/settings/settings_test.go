package settings

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui/internal/guitest"
)

func setupPhone() *guitest.Phone {
	p := guitest.NewPhone()
	p.Cfg = config.Config{
		Path:  "/home/alice/.config/softphone/config.toml",
		Audio: config.Audio{Output: "Speakers (USB Headset)"},
	}
	p.Devices = []audio.DeviceInfo{
		{ID: "default", Name: "System default", IsDefault: true, Capture: true, Playback: true},
		{ID: "alsa_input.pci-0000_00_1f.3.analog-stereo", Name: "Built-in Audio Analog Stereo", IsDefault: true, Capture: true},
		{ID: "alsa_output.pci-0000_00_1f.3.analog-stereo", Name: "Built-in Audio Analog Stereo", IsDefault: true, Playback: true},
		{ID: "alsa_input.usb-Jabra_Evolve_20", Name: "Jabra Evolve 20 Mono", Capture: true},
		{ID: "alsa_output.usb-Jabra_Evolve_20", Name: "Jabra Evolve 20 Stereo", Playback: true},
	}
	return p
}

func TestReadsConfigAndDevices(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	if p.Count("AudioDevices") != 1 {
		t.Errorf("AudioDevices called %d times, want 1", p.Count("AudioDevices"))
	}
	h.Must("Configuration file path")
	if n := len(deviceChoices(p.Devices, true, "", true)); n != 3 {
		t.Errorf("%d microphone choices, want 3 (the default alias folded into System default)", n)
	}
	h.Must("Microphone Jabra Evolve 20 Mono")
	h.Must("Speaker Jabra Evolve 20 Stereo")
	if _, ok := h.Find("Microphone Jabra Evolve 20 Stereo"); ok {
		t.Error("a playback-only device is offered as a microphone")
	}
	// The configured speaker is not plugged in: it stays the choice.
	if n := h.Must("Speaker Speakers (USB Headset)"); !strings.Contains(h.page.output.Value, "USB Headset") {
		t.Errorf("output = %q (%v)", h.page.output.Value, n)
	}
	h.Click("Refresh the list of audio devices")
	if p.Count("AudioDevices") != 2 {
		t.Errorf("Refresh: AudioDevices called %d times, want 2", p.Count("AudioDevices"))
	}
	if len(p.SavedSettings()) != 0 {
		t.Errorf("reading applied settings: %v", p.SavedSettings())
	}
}

func TestApplyDevicesThemeRingtone(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply is enabled with nothing changed")
	}
	h.Click("Microphone Jabra Evolve 20 Mono")
	h.Click("Speaker System default")
	h.Click("Dark theme")
	h.TypeInto("Ringtone file", "/usr/share/sounds/ring.wav")
	if h.Must("Apply and save the settings").Disabled {
		t.Fatal("Apply is disabled with changes")
	}
	h.Click("Apply and save the settings")
	if len(p.SavedSettings()) != 1 {
		t.Fatalf("UpdateSettings calls = %d", len(p.SavedSettings()))
	}
	got := p.SavedSettings()[0]
	want := guitest.Settings{
		Audio: config.Audio{Input: "alsa_input.usb-Jabra_Evolve_20", Output: "", Ringtone: "/usr/share/sounds/ring.wav"},
		UI:    config.UI{Theme: "dark"},
	}
	if got.Audio.Input != want.Audio.Input || got.Audio.Output != want.Audio.Output ||
		got.Audio.Ringtone != want.Audio.Ringtone || got.Audio.Codecs != nil || got.UI != want.UI {
		t.Errorf("UpdateSettings(%+v, %+v), want (%+v, %+v)", got.Audio, got.UI, want.Audio, want.UI)
	}
	if !h.Env.Theme.Dark {
		t.Error("the window did not switch to the dark theme")
	}
	h.Must("Settings status: Saved")
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply stays enabled after saving")
	}
}

func TestCodecOrder(t *testing.T) {
	p := setupPhone()
	p.Cfg.Audio.Codecs = []string{"PCMU", "opus"}
	h := newHarness(t, p)
	names := func() []string {
		var out []string
		for _, r := range h.page.codecs {
			s := r.info.name
			if !r.on.Value {
				s = "-" + s
			}
			out = append(out, s)
		}
		return out
	}
	if got := names(); !slices.Equal(got, []string{"pcmu", "opus", "-g722", "-pcma"}) {
		t.Fatalf("codec rows = %q", got)
	}
	if !h.Must("Move PCMU up").Disabled {
		t.Error("the first codec can move up")
	}
	h.Click("Move Opus up")
	h.Click("Use G.722")
	h.Click("Move G.722 up")
	if got := names(); !slices.Equal(got, []string{"opus", "g722", "pcmu", "-pcma"}) {
		t.Fatalf("codec rows = %q", got)
	}
	h.Click("Apply and save the settings")
	if len(p.SavedSettings()) != 1 || !slices.Equal(p.SavedSettings()[0].Audio.Codecs, []string{"opus", "g722", "pcmu"}) {
		t.Fatalf("applied = %+v", p.SavedSettings())
	}
}

func TestNoCodecBlocksApply(t *testing.T) {
	p := setupPhone()
	p.Cfg.Audio.Codecs = []string{"pcma"}
	h := newHarness(t, p)
	h.Click("Use PCMA")
	h.Must("Settings status: Enable at least one codec")
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply is enabled with no codec")
	}
	h.Click("Apply and save the settings")
	if len(p.SavedSettings()) != 0 {
		t.Fatalf("applied with no codec: %+v", p.SavedSettings())
	}
}

func TestRevert(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Click("Dark theme")
	h.Click("Revert to the saved settings")
	if h.page.theme.Value != "light" {
		t.Errorf("theme after Revert = %q", h.page.theme.Value)
	}
	if _, ok := h.Find("Revert to the saved settings"); ok {
		t.Error("Revert still shows with nothing changed")
	}
}

func TestApplyErrorShown(t *testing.T) {
	p := setupPhone()
	p.Fail["UpdateSettings"] = errors.New("permission denied")
	h := newHarness(t, p)
	h.Click("Dark theme")
	h.Click("Apply and save the settings")
	h.Must("Settings status: Not saved: permission denied")
	if h.Env.Theme.Dark {
		t.Error("the theme switched although saving failed")
	}
}

func TestLevelMeter(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Must("Microphone level 0%")
	p.Level = 0.1 // -20 dBFS
	h.Frame()
	h.Must("Microphone level 67%")
}

func TestMeterPos(t *testing.T) {
	for _, c := range []struct{ in, want float64 }{{0, 0}, {-1, 0}, {0.001, 0}, {1, 1}, {2, 1}, {0.1, 2.0 / 3}} {
		if got := meterPos(c.in); got < c.want-1e-9 || got > c.want+1e-9 {
			t.Errorf("meterPos(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDeviceListError(t *testing.T) {
	p := setupPhone()
	p.Fail["AudioDevices"] = errors.New("no audio server")
	h := newHarness(t, p)
	h.Must("Could not list the devices: no audio server")
	h.Must("Microphone System default")
}

// TestAsyncRun lists and applies with commands on the window's queue
// goroutine (for go test -race).
func TestAsyncRun(t *testing.T) {
	p := setupPhone()
	h := makeHarness(t, p)
	wait := h.Async()
	h.Frame()
	h.Frame() // frames go on while the commands run
	wait()
	h.Frame()
	h.Click("Dark theme")
	h.Click("Apply and save the settings")
	wait()
	h.Frame()
	if !h.Env.Theme.Dark {
		t.Error("the theme did not switch after the apply finished")
	}
	if applied, listed := len(p.SavedSettings()), p.Count("AudioDevices"); applied != 1 || listed != 1 {
		t.Errorf("applied %d, listed %d; want 1, 1", applied, listed)
	}
}

// TestFollowsSettingsChangedElsewhere: settings applied by another
// front-end show in an untouched form; a form the user changed keeps
// the changes, now compared with the new settings.
func TestFollowsSettingsChangedElsewhere(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	p.Cfg.Audio.Ringtone = "/usr/share/sounds/bell.wav"
	h.Frame()
	if got := h.page.ringtone.Text(); got != "/usr/share/sounds/bell.wav" {
		t.Fatalf("ringtone field %q after the change, want the new file", got)
	}
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply enabled though the form shows the settings in force")
	}
	h.Click("Dark theme")
	p.Cfg.Audio.Ringtone = "/usr/share/sounds/chime.wav"
	h.Frame()
	if got := h.page.ringtone.Text(); got != "/usr/share/sounds/bell.wav" {
		t.Errorf("ringtone field %q: the user's form was overwritten", got)
	}
	if h.Must("Apply and save the settings").Disabled {
		t.Error("Apply disabled with the user's change pending")
	}
}
