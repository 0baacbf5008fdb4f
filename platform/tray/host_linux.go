//go:build linux && !android

package tray

import (
	"context"
	"fmt"
	"log/slog"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// watcherName is the StatusNotifierWatcher's bus name: the tray host
// (a panel, or a bridge to an XEmbed tray) items register with.
const watcherName = "org.kde.StatusNotifierWatcher"

// host is the session bus, watched for a tray host.
type host struct {
	conn *dbus.Conn
	sig  chan *dbus.Signal
}

// openHost connects to the session bus: without one there is no tray.
func openHost() (*host, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("tray: session bus: %w", err)
	}
	h := &host{conn: conn, sig: make(chan *dbus.Signal, 4)}
	if err := conn.AddMatchSignal(
		dbus.WithMatchInterface("org.freedesktop.DBus"), dbus.WithMatchMember("NameOwnerChanged"),
		dbus.WithMatchArg(0, watcherName)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("tray: watch for a tray host: %w", err)
	}
	conn.Signal(h.sig)
	return h, nil
}

// wait returns true once a tray host is on the bus, false if ctx ends
// first. Missing, it says so once: the desktop may start one later.
func (h *host) wait(ctx context.Context, log *slog.Logger) bool {
	var has bool
	if err := h.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, watcherName).Store(&has); err != nil {
		log.Info("tray: no tray", "error", err)
		return false
	}
	if has {
		return true
	}
	log.Info("tray: no tray host (StatusNotifierWatcher) on the session bus; the icon shows when one starts")
	for {
		select {
		case <-ctx.Done():
			return false
		case s, ok := <-h.sig:
			if !ok {
				return false
			}
			if len(s.Body) == 3 && s.Body[2] != "" {
				return true
			}
		}
	}
}

func (h *host) close() { h.conn.Close() }

// preset hands the first view to the library before its loop starts, so
// the item is complete when it is first exported.
func preset(v View) {
	systray.SetTitle("Softphone")
	systray.SetIcon(iconBytes(v.Icon))
	systray.SetTooltip(v.Tooltip)
}

// iconBytes is the picture as the StatusNotifierItem takes it.
func iconBytes(k Icon) []byte { return iconPNG(k) }
