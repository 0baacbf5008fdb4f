// Package autostart makes the desktop start the program when the user
// logs in: an XDG autostart entry on Linux, the Run key on Windows.
package autostart

import (
	"errors"
	"fmt"
)

// Entry is the program's place in the desktop's login start-up.
type Entry interface {
	// Enable has the desktop run exe with args at login; exe is an
	// absolute path. Enabling again with other values replaces them.
	Enable(exe string, args []string) error
	// Disable takes the entry away; no entry is not an error.
	Disable() error
	// Enabled reports whether the desktop will run the program at login.
	Enabled() (bool, error)
}

// ErrUnsupported is what an Entry says where this build cannot start
// programs at login.
var ErrUnsupported = errors.New("autostart: not available on this platform")

// Apply makes e match on: enabled with exe and args, or disabled. It
// changes nothing that already matches, so it can run at every start.
func Apply(e Entry, on bool, exe string, args []string) error {
	if !on {
		if err := e.Disable(); err != nil {
			return fmt.Errorf("autostart: disable: %w", err)
		}
		return nil
	}
	if err := e.Enable(exe, args); err != nil {
		return fmt.Errorf("autostart: enable: %w", err)
	}
	return nil
}
