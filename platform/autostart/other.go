//go:build !(linux && !android) && !windows

package autostart

// Option sets up an Entry.
type Option func(*none)

type none struct{}

// New is an entry that says this build cannot start programs at login.
func New(...Option) Entry { return none{} }

func (none) Enable(string, []string) error { return ErrUnsupported }
func (none) Disable() error                { return nil }
func (none) Enabled() (bool, error)        { return false, nil }
