//go:build linux && !android

package autostart

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Option sets up an Entry.
type Option func(*XDG)

// WithConfigHome puts the entry under dir/autostart instead of the
// user's configuration directory ($XDG_CONFIG_HOME, else ~/.config).
func WithConfigHome(dir string) Option { return func(x *XDG) { x.configHome = dir } }

// XDG is the entry in $XDG_CONFIG_HOME/autostart (the XDG Autostart
// specification, followed by GNOME, KDE, Xfce, LXQt and others).
type XDG struct {
	configHome string
}

// New is the user's autostart entry.
func New(opts ...Option) *XDG {
	x := &XDG{}
	for _, o := range opts {
		o(x)
	}
	return x
}

// FileName is the entry's file name in the autostart directory.
const FileName = "softphone.desktop"

// Path is the entry's file.
func (x *XDG) Path() (string, error) {
	dir := x.configHome
	if dir == "" {
		dir = os.Getenv("XDG_CONFIG_HOME")
	}
	if dir == "" || !filepath.IsAbs(dir) { // the specification ignores a relative one
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("autostart: no configuration directory: %w", err)
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "autostart", FileName), nil
}

// Enable writes the entry, unless it already says the same.
func (x *XDG) Enable(exe string, args []string) error {
	if !filepath.IsAbs(exe) {
		return fmt.Errorf("autostart: %q is not an absolute path", exe)
	}
	line, err := execLine(append([]string{exe}, args...))
	if err != nil {
		return err
	}
	body := []byte(strings.Join([]string{
		"[Desktop Entry]",
		"Type=Application",
		"Name=Softphone",
		"Comment=Make and take phone calls",
		"Exec=" + line,
		"Icon=softphone",
		"Terminal=false",
		"X-GNOME-Autostart-enabled=true",
		"",
	}, "\n"))
	path, err := x.Path()
	if err != nil {
		return err
	}
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, body) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	// Written aside and renamed: a session starting now reads all or nothing.
	tmp := path + ".new"
	if err := os.WriteFile(tmp, body, 0o644); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Disable removes the entry.
func (x *XDG) Disable() error {
	path, err := x.Path()
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Enabled reports whether the entry is there and not switched off
// (Hidden=true, or X-GNOME-Autostart-enabled=false, as desktops' own
// settings write it).
func (x *XDG) Enabled() (bool, error) {
	path, err := x.Path()
	if err != nil {
		return false, err
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		switch strings.TrimSpace(l) {
		case "Hidden=true", "X-GNOME-Autostart-enabled=false":
			return false, nil
		}
	}
	return true, nil
}

// execLine is argv as a desktop entry's Exec value: arguments holding a
// reserved character are double-quoted (with ", `, $ and \ escaped
// inside), % is doubled (no field codes), and the value's own escaping
// doubles backslashes.
func execLine(argv []string) (string, error) {
	out := make([]string, len(argv))
	for i, a := range argv {
		if strings.ContainsAny(a, "\n\r\x00") || a == "" {
			return "", fmt.Errorf("autostart: argument %q cannot be written in a desktop entry", a)
		}
		if strings.ContainsAny(a, " \t\"'\\><~|&;$*?#()`") {
			var b strings.Builder
			b.WriteByte('"')
			for _, r := range a {
				if strings.ContainsRune("\"`$\\", r) {
					b.WriteByte('\\')
				}
				b.WriteRune(r)
			}
			b.WriteByte('"')
			a = b.String()
		}
		a = strings.ReplaceAll(a, "%", "%%")
		out[i] = strings.ReplaceAll(a, `\`, `\\`)
	}
	return strings.Join(out, " "), nil
}
