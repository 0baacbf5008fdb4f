//go:build (!linux && !windows) || android

// Package notify shows desktop notifications. This build has no
// implementation yet: New says so, and the window goes without.
package notify

import "errors"

// Desktop is not available on this platform yet.
type Desktop struct{}

// New reports that notifications are not implemented here.
func New() (*Desktop, error) { return nil, errors.New("notify: not implemented on this platform") }

// Notify does nothing.
func (*Desktop) Notify(title, body string) error { return nil }

// Close does nothing.
func (*Desktop) Close() error { return nil }
