package video

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/softphone/softphone/core/video"
)

// Driver lists and opens the capture devices of this machine: the test
// pattern, V4L2 cameras, X11 screens and windows.
type Driver struct {
	opts options
	// xinit serialises X extension setup: xgb keeps its extension tables
	// in package maps that each connection's Init writes.
	xinit sync.Mutex
}

func (d *Driver) platformDevices(ctx context.Context, list []video.DeviceInfo) ([]video.DeviceInfo, error) {
	list = append(list, d.cameraDevices(ctx)...)
	xs, err := d.x11Devices(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
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
