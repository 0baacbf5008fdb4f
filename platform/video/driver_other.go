//go:build !linux

package video

import (
	"context"
	"fmt"

	"github.com/softphone/softphone/core/video"
)

// Driver lists and opens the capture devices of this machine: on this
// system only the test pattern. Camera and screen capture through
// AVFoundation (macOS, iOS), Camera2 (Android) and Media Foundation /
// Windows.Graphics.Capture (Windows) are platform work still to write.
type Driver struct {
	opts options
}

func (d *Driver) platformDevices(_ context.Context, list []video.DeviceInfo) ([]video.DeviceInfo, error) {
	return list, nil
}

func (d *Driver) platformOpen(_ context.Context, id string, _ video.Constraints) (video.Source, error) {
	return nil, fmt.Errorf("capture device %q: %w", id, video.ErrNoDevice)
}
