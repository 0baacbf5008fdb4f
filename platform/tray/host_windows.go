package tray

import (
	"context"
	"log/slog"
)

// host is the Windows shell, whose notification area is always there.
type host struct{}

func openHost() (*host, error)                        { return &host{}, nil }
func (*host) wait(context.Context, *slog.Logger) bool { return true }
func (*host) close()                                  {}

// preset does nothing: the icon's window does not exist before the loop.
func preset(View) {}

// iconBytes is the picture as Shell_NotifyIcon takes it.
func iconBytes(k Icon) []byte { return iconICO(k) }
