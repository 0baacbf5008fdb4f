//go:build !cgo || !(linux || windows || darwin)

package audio

import (
	"errors"
	"testing"
)

func TestStubNeedsCgo(t *testing.T) {
	if _, err := NewDriver(WithBackends(BackendNull)); !errors.Is(err, ErrNeedCgo) {
		t.Fatalf("NewDriver: %v, want ErrNeedCgo", err)
	}
	var d Driver
	if _, err := d.Devices(); !errors.Is(err, ErrNeedCgo) {
		t.Fatalf("Devices: %v", err)
	}
}
