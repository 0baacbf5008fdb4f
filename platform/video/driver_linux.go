package video

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/softphone/softphone/core/video"
)

// Driver lists and opens the capture devices of this machine: the test
// pattern, V4L2 cameras, X11 screens and windows.
type Driver struct {
	opts options
	// xinit guards shmInited and serialises X extension setup.
	xinit     sync.Mutex
	shmInited bool // xgb's shm.Init has run once
}

func (d *Driver) platformDevices(ctx context.Context, list []video.DeviceInfo) ([]video.DeviceInfo, error) {
	list = append(list, d.cameraDevices(ctx)...)
	xs, err := d.x11Devices(ctx)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return nil, ctx.Err()
	case errors.Is(err, errNoDisplay):
		d.opts.log.Debug("video: no screen capture without an X display")
	default:
		d.opts.log.Info("video: no screen capture", "display", d.opts.display, "err", err)
	}
	return append(list, xs...), nil
}

func (d *Driver) platformOpen(ctx context.Context, id string, c video.Constraints) (video.Source, error) {
	switch {
	case strings.HasPrefix(id, cameraPrefix):
		return d.openCamera(ctx, strings.TrimPrefix(id, cameraPrefix), c)
	case strings.HasPrefix(id, screenPrefix), strings.HasPrefix(id, windowPrefix):
		return d.openX11(ctx, id, c)
	}
	return nil, fmt.Errorf("capture device %q: %w", id, video.ErrNoDevice)
}
