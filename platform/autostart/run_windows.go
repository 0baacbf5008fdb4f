package autostart

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/sys/windows/registry"
)

// Option sets up an Entry.
type Option func(*RunKey)

// WithKey uses another key under HKEY_CURRENT_USER (tests).
func WithKey(path string) Option { return func(r *RunKey) { r.key = path } }

// RunKey is a value of HKCU\Software\Microsoft\Windows\CurrentVersion\Run:
// Windows runs its command line at login.
type RunKey struct {
	key string
}

// ValueName is the value's name under the Run key.
const ValueName = "Softphone"

// New is the user's Run key entry.
func New(opts ...Option) *RunKey {
	r := &RunKey{key: `Software\Microsoft\Windows\CurrentVersion\Run`}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Enable writes the value, unless it already holds the same command.
func (r *RunKey) Enable(exe string, args []string) error {
	if !filepath.IsAbs(exe) {
		return fmt.Errorf("autostart: %q is not an absolute path", exe)
	}
	cmd := commandLine(append([]string{exe}, args...))
	k, _, err := registry.CreateKey(registry.CURRENT_USER, r.key, registry.QUERY_VALUE|registry.SET_VALUE)
	if err != nil {
		return fmt.Errorf("autostart: open %s: %w", r.key, err)
	}
	defer k.Close()
	if old, _, err := k.GetStringValue(ValueName); err == nil && old == cmd {
		return nil
	}
	if err := k.SetStringValue(ValueName, cmd); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Disable deletes the value.
func (r *RunKey) Disable() error {
	k, err := registry.OpenKey(registry.CURRENT_USER, r.key, registry.SET_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("autostart: open %s: %w", r.key, err)
	}
	defer k.Close()
	if err := k.DeleteValue(ValueName); err != nil && !errors.Is(err, registry.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Enabled reports whether the value is there.
func (r *RunKey) Enabled() (bool, error) {
	k, err := registry.OpenKey(registry.CURRENT_USER, r.key, registry.QUERY_VALUE)
	if errors.Is(err, registry.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: open %s: %w", r.key, err)
	}
	defer k.Close()
	if _, _, err := k.GetStringValue(ValueName); errors.Is(err, registry.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	return true, nil
}

// commandLine quotes argv as the C runtime splits it back; the program's
// path is always quoted (Windows' own advice for Run values).
func commandLine(argv []string) string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = syscall.EscapeArg(a)
	}
	if !strings.HasPrefix(out[0], `"`) {
		out[0] = `"` + out[0] + `"`
	}
	return strings.Join(out, " ")
}
