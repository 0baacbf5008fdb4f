package settings

import (
	"testing"

	"github.com/softphone/softphone/core/video"
)

func TestVideoSettingsSaved(t *testing.T) {
	p := setupPhone()
	p.VideoDevs = []video.DeviceInfo{
		{ID: "/dev/video0", Name: "Integrated Camera", Kind: video.KindCamera},
		{ID: "screen:0", Name: "Screen 1", Kind: video.KindScreen},
		{ID: "test", Name: "Test pattern", Kind: video.KindTest},
	}
	h := newHarness(t, p)
	if p.Count("VideoDevices") != 1 {
		t.Errorf("VideoDevices called %d times, want 1", p.Count("VideoDevices"))
	}
	h.Must("Camera Automatic")
	h.Must("Camera Test pattern")
	if _, ok := h.Find("Camera Screen 1"); ok {
		t.Error("a screen is offered as a camera")
	}
	if h.page.vidSize.Value != "640x480" {
		t.Errorf("size shows %q for an unset size, want 640x480", h.page.vidSize.Value)
	}
	h.Click("Camera Integrated Camera")
	h.Click("Picture size 1280 × 720 (HD)")
	h.Click("Apply and save the settings")
	if n := p.Count("UpdateVideo"); n != 1 {
		t.Fatalf("UpdateVideo called %d times, want 1", n)
	}
	if n := p.Count("UpdateSettings"); n != 0 {
		t.Errorf("UpdateSettings called %d times for a video change", n)
	}
	if v := p.Cfg.Video; v.Camera != "/dev/video0" || v.Size != "1280x720" {
		t.Errorf("saved %+v", v)
	}
	h.Must("Settings status: Saved")
}

func TestVideoSettingsKeepUnsetSize(t *testing.T) {
	p := setupPhone()
	p.Cfg.Video.Camera = "/dev/video9" // not plugged in
	h := newHarness(t, p)
	h.Must("Camera /dev/video9")
	h.Click("Camera Test pattern")
	h.Click("Apply and save the settings")
	if v := p.Cfg.Video; v.Camera != "test" || v.Size != "" {
		t.Errorf("saved %+v, want the test pattern and the size left unset", v)
	}
}
