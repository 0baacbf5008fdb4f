//go:build !nogui

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"

	"gioui.org/io/system"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/platform/autostart"
	"github.com/softphone/softphone/platform/tray"
)

// startDesktop is the window's place on the desktop beside the window:
// the tray icon (unless [ui] tray = false), whose Show and Quit become
// window actions, and the login entry, kept as [ui] start_at_login says
// now and whenever the settings change. The returned stop takes the icon
// away.
func startDesktop(ctx context.Context, phone core.Phone, cfg config.Config, data string, actions chan<- system.Action, log *slog.Logger) (stop func()) {
	loginArgs := []string{"--config", absPath(cfg.Path)}
	if data != "" {
		loginArgs = append(loginArgs, "--data", absPath(data))
	}
	events, unsubscribe := phone.Events()
	applyLogin(cfg.UI.StartAtLogin, loginArgs, log)
	go func() {
		on := cfg.UI.StartAtLogin
		for e := range events {
			if ce, ok := e.(core.ConfigEvent); ok && ce.Config.UI.StartAtLogin != on {
				on = ce.Config.UI.StartAtLogin
				applyLogin(on, loginArgs, log)
			}
		}
	}()
	stop = unsubscribe
	if cfg.UI.NoTray {
		return stop
	}
	act := func(a system.Action) func() {
		return func() {
			select {
			case actions <- a:
			case <-ctx.Done():
			}
		}
	}
	stopTray, err := tray.Start(ctx, phone, tray.WithLogger(log),
		tray.WithShow(act(system.ActionRaise)), tray.WithQuit(act(system.ActionClose)))
	if err != nil {
		log.Info("no tray icon", "error", err)
		return stop
	}
	return func() { stopTray(); unsubscribe() }
}

// applyLogin makes the login entry match on.
func applyLogin(on bool, args []string, log *slog.Logger) {
	exe, err := os.Executable()
	if err == nil {
		err = autostart.Apply(autostart.New(), on, exe, args)
	}
	if err != nil {
		log.Warn("start at login", "on", on, "error", err)
		return
	}
	log.Debug("start at login", "on", on)
}

// absPath is p made absolute: the login entry runs from another directory.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
