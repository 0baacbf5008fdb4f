package video

import (
	"context"
	"fmt"
)

// TestID is the device ID of the synthetic test pattern.
const TestID = "test"

// TestDriver offers only the test pattern: for headless phones and
// machines without a camera.
type TestDriver struct{}

// Devices lists the test pattern.
func (TestDriver) Devices(context.Context) ([]DeviceInfo, error) {
	return []DeviceInfo{{ID: TestID, Name: "Test pattern", Kind: KindTest}}, nil
}

// Open opens the test pattern; any other ID is ErrNoDevice.
func (TestDriver) Open(_ context.Context, id string, c Constraints) (Source, error) {
	if id != TestID {
		return nil, fmt.Errorf("%w: %q", ErrNoDevice, id)
	}
	return NewTestPattern(c, nil)
}
