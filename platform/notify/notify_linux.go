//go:build linux && !android

// Package notify shows desktop notifications: the freedesktop.org
// notification service over the session D-Bus on Linux.
package notify

import (
	"fmt"

	"github.com/godbus/dbus/v5"
)

// Desktop posts to org.freedesktop.Notifications.
type Desktop struct {
	conn *dbus.Conn
	last uint32 // replaced by the next notification, so only one call shows
}

// New connects to the session bus; an error means no notifications here
// (a headless machine), which callers treat as "do not notify".
func New() (*Desktop, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("notify: session bus: %w", err)
	}
	return &Desktop{conn: conn}, nil
}

// Notify shows title and body, replacing the previous notification.
func (d *Desktop) Notify(title, body string) error {
	obj := d.conn.Object("org.freedesktop.Notifications", "/org/freedesktop/Notifications")
	call := obj.Call("org.freedesktop.Notifications.Notify", 0,
		"Softphone", d.last, "call-start", title, body, []string{},
		map[string]dbus.Variant{"urgency": dbus.MakeVariant(byte(2)), "category": dbus.MakeVariant("call.incoming")},
		int32(30000))
	if call.Err != nil {
		return fmt.Errorf("notify: %w", call.Err)
	}
	return call.Store(&d.last)
}

// Close disconnects from the bus.
func (d *Desktop) Close() error { return d.conn.Close() }
