package video

import (
	"context"

	"github.com/softphone/softphone/core/video"
)

// TestID is the ID of the synthetic test pattern, offered on every system.
const TestID = "test"

var _ video.Driver = (*Driver)(nil)

// NewDriver makes a driver; it opens nothing until asked.
func NewDriver(opts ...Option) *Driver {
	return &Driver{opts: buildOptions(opts)}
}

// Devices lists the test pattern first, then what the platform offers.
// A platform part that cannot be reached (no X display) is left out and
// logged, not an error.
func (d *Driver) Devices(ctx context.Context) ([]video.DeviceInfo, error) {
	list := []video.DeviceInfo{{ID: TestID, Name: "Test pattern", Kind: video.KindTest}}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return d.platformDevices(ctx, list)
}

// Open starts capturing from the device with that ID; an ID the driver
// does not know, or a device that is gone, gives video.ErrNoDevice
// (wrapped).
func (d *Driver) Open(ctx context.Context, id string, c video.Constraints) (video.Source, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if id == TestID {
		return video.NewTestPattern(c, d.opts.now)
	}
	return d.platformOpen(ctx, id, c)
}
