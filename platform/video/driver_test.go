package video

import (
	"context"
	"errors"
	"testing"

	"github.com/softphone/softphone/core/video"
)

func TestTestPatternListedAndOpened(t *testing.T) {
	ctx := context.Background()
	d := NewDriver(WithDisplay(""))
	list, err := d.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) == 0 || list[0] != (video.DeviceInfo{ID: "test", Name: "Test pattern", Kind: video.KindTest}) {
		t.Fatalf("devices %+v: want the test pattern first", list)
	}
	src, err := d.Open(ctx, "test", video.Constraints{Width: 320, Height: 240, FPS: 100})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	f, err := src.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := video.ReadStamp(f.Image); !ok || s.Frame != 0 || f.Image.Rect.Dx() != 320 {
		t.Fatalf("first frame: stamp %+v %v, size %v", s, ok, f.Image.Rect)
	}
}

func TestDevicesWithoutDisplay(t *testing.T) {
	d := NewDriver(WithDisplay("/nonexistent/x11-socket:9"))
	list, err := d.Devices(context.Background())
	if err != nil || len(list) == 0 || list[0].ID != "test" {
		t.Fatalf("devices %+v, %v: want the test pattern and no error", list, err)
	}
}

func TestOpenUnknownDevice(t *testing.T) {
	d := NewDriver(WithDisplay(""))
	for _, id := range []string{"", "bogus", "camera:/dev/video99", "camera:/etc/passwd", "screen:0", "window:0x1"} {
		if _, err := d.Open(context.Background(), id, video.Constraints{}); !errors.Is(err, video.ErrNoDevice) {
			t.Errorf("Open(%q) = %v, want ErrNoDevice", id, err)
		}
	}
}
