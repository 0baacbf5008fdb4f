//go:build !cgo || !(linux || windows || darwin)

package audio

import (
	"errors"

	coreaudio "github.com/softphone/softphone/core/audio"
)

// ErrNeedCgo is returned by the stub driver: miniaudio is C, so builds
// without cgo (or for other systems) have no sound devices. Use the
// core/audio file and null devices there, or build with cgo.
var ErrNeedCgo = errors.New("audio: audio devices need cgo (this build has no miniaudio driver)")

// Driver is the stub driver of builds without cgo.
type Driver struct{}

var _ coreaudio.Driver = (*Driver)(nil)

// NewDriver fails with ErrNeedCgo.
func NewDriver(opts ...Option) (*Driver, error) {
	_ = buildOptions(opts)
	return nil, ErrNeedCgo
}

// Devices fails with ErrNeedCgo.
func (*Driver) Devices() ([]coreaudio.DeviceInfo, error) { return nil, ErrNeedCgo }

// Open fails with ErrNeedCgo.
func (*Driver) Open(in, out string, f coreaudio.Format) (coreaudio.Device, error) {
	return nil, ErrNeedCgo
}

// Close does nothing.
func (*Driver) Close() error { return nil }

// OpenPlayback needs cgo.
func (*Driver) OpenPlayback(out string, f coreaudio.Format) (coreaudio.Device, error) {
	return nil, ErrNeedCgo
}
