package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestVideoSettingsRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "config.toml")
	src := "[video]\ncamera = \"window:0x1\"\nsize = \"1280X720\"\nfps = 15\nbitrate = 800\ncodecs = [\"H264\", \"vp8\"]\n"
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	v := cfg.Video
	if v.Camera != "window:0x1" || v.Size != "1280x720" || v.FPS != 15 || v.Bitrate != 800 || strings.Join(v.Codecs, ",") != "h264,vp8" {
		t.Fatalf("decoded %+v", v)
	}
	cfg.Video.FPS = 0
	cfg.Video.Camera = "test"
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	cfg.Video.Size = "bad"
	if err := cfg.Save(); err == nil {
		t.Fatal("saved a bad size")
	}
	cfg.Video.Size = "1280x720"
	again, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	if again.Video.FPS != 0 || again.Video.Camera != "test" || again.Video.Size != "1280x720" {
		t.Fatalf("after save: %+v", again.Video)
	}
}

func TestVideoSettingsRejected(t *testing.T) {
	for _, bad := range []string{
		"[video]\nsize = \"big\"\n",
		"[video]\nsize = \"641x480\"\n",
		"[video]\nfps = 200\n",
		"[video]\nbitrate = 10\n",
		"[video]\ncodecs = [\"theora\"]\n",
		"[video]\ncodecs = [\"vp8\", \"VP8\"]\n",
		"[video]\nresolution = \"x\"\n",
	} {
		p := filepath.Join(t.TempDir(), "c.toml")
		if err := os.WriteFile(p, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := Load(p); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
