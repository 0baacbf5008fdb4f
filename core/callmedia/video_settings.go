package callmedia

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
	"github.com/softphone/softphone/core/video/videocodecs"
)

// Defaults of the [video] settings.
const (
	defaultVideoWidth, defaultVideoHeight = 640, 480
	defaultVideoFPS                       = 30
	defaultVideoKbps                      = 1500
)

// VideoFor is the video configuration of calls under the settings v,
// capturing through d.
func VideoFor(v config.Video, d video.Driver) (*VideoConfig, error) {
	cs, err := videocodecs.ByNames(v.Codecs)
	if err != nil {
		return nil, err
	}
	size, err := ParseSize(v.Size)
	if err != nil {
		return nil, err
	}
	size.FPS = v.FPS
	if size.FPS <= 0 {
		size.FPS = defaultVideoFPS
	}
	kbps := v.Bitrate
	if kbps <= 0 {
		kbps = defaultVideoKbps
	}
	camera := v.Camera
	if camera == "" {
		camera = defaultCamera
	}
	return &VideoConfig{Codecs: cs, Size: size, MaxBitrate: kbps * 1000, Camera: camera, Open: d.Open,
		Devices: d.Devices}, nil
}

// defaultCamera stands for "the first camera, else the test pattern".
const defaultCamera = "default"

// firstCamera is the first camera devices lists, else the test pattern.
func firstCamera(ctx context.Context, devices func(context.Context) ([]video.DeviceInfo, error)) string {
	if devices == nil {
		return video.TestID
	}
	devs, _ := devices(ctx)
	for _, dev := range devs {
		if dev.Kind == video.KindCamera {
			return dev.ID
		}
	}
	return video.TestID
}

// ParseSize reads "WIDTHxHEIGHT" ("" is 640x480).
func ParseSize(s string) (video.Constraints, error) {
	if s == "" {
		return video.Constraints{Width: defaultVideoWidth, Height: defaultVideoHeight}, nil
	}
	w, h, ok := strings.Cut(strings.ToLower(strings.TrimSpace(s)), "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi < 64 || hi < 48 || wi > 3840 || hi > 2160 || wi%2 != 0 || hi%2 != 0 {
		return video.Constraints{}, fmt.Errorf("video size %q: want WIDTHxHEIGHT, even, from 64x48 to 3840x2160", s)
	}
	return video.Constraints{Width: wi, Height: hi}, nil
}
