package settings

import (
	"testing"

	"github.com/softphone/softphone/core/config"
)

func TestRecordingSettingsApplied(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	h.Must("Record in separate channels: you left, the other side right")
	if got := h.page.recCh.Value; got != config.RecordSeparate {
		t.Errorf("channels %q, want separate by default", got)
	}
	h.Click("Record mixed: both sides in one channel")
	h.TypeInto("Recording folder", " /home/alice/Calls ")
	h.Click("Apply and save the settings")
	if len(p.SavedSettings()) != 1 {
		t.Fatalf("UpdateSettings calls = %d (errors %q)", len(p.SavedSettings()), h.Errs)
	}
	a := p.SavedSettings()[0].Audio
	if a.RecordChannels != config.RecordMixed || a.RecordDir != "/home/alice/Calls" {
		t.Errorf("saved channels %q, folder %q", a.RecordChannels, a.RecordDir)
	}
	// Back to separate: saved as such, not as the empty default it was.
	h.Click("Record in separate channels: you left, the other side right")
	h.Click("Apply and save the settings")
	if got := p.SavedSettings(); len(got) != 2 || got[1].Audio.RecordChannels != config.RecordSeparate {
		t.Errorf("saved %+v", got)
	}
}

func TestRecordingDefaultsKeptAsTheyWere(t *testing.T) {
	p := setupPhone()
	h := newHarness(t, p)
	// Choosing the default that the file leaves out changes nothing.
	h.Click("Record mixed: both sides in one channel")
	h.Click("Record in separate channels: you left, the other side right")
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply enabled although nothing changed")
	}
	h.Click("Dark theme")
	h.Click("Apply and save the settings")
	if got := p.SavedSettings(); len(got) != 1 || got[0].Audio.RecordChannels != "" || got[0].Audio.RecordDir != "" {
		t.Errorf("saved %+v", got)
	}
}

func TestRecordingFolderShownAndChecked(t *testing.T) {
	p := setupPhone()
	p.Cfg.Audio.RecordDir = "/srv/rec"
	p.Cfg.Audio.RecordChannels = config.RecordMixed
	h := newHarness(t, p)
	if got := h.page.recDir.Text(); got != "/srv/rec" {
		t.Errorf("folder %q", got)
	}
	if got := h.page.recCh.Value; got != config.RecordMixed {
		t.Errorf("channels %q, want mixed", got)
	}
	h.TypeInto("Recording folder", "/srv/\x07rec")
	if !h.Must("Apply and save the settings").Disabled {
		t.Error("Apply enabled with a control character in the folder")
	}
	h.Must("Settings status: The recording folder cannot hold control characters")
}
