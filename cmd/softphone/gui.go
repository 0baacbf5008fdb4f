package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"gioui.org/app"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui"
)

// runGUI opens the window. app.Main takes the main goroutine (macOS and
// others need it), so the phone and the window run beside it and the
// process exits when the window closes.
func runGUI(ctx context.Context, args []string, stderr io.Writer) {
	fset := flag.NewFlagSet("softphone", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "configuration file")
	dark := fset.Bool("dark", false, "dark theme")
	verbose := fset.Bool("v", false, "verbose logging on stderr")
	if err := fset.Parse(args); err != nil {
		os.Exit(exitUsage)
	}
	log := newLogger(stderr, *verbose)
	cfg, err := loadConfig(*cfgPath)
	if errors.Is(err, fs.ErrNotExist) {
		// First start: no account yet, direct calls work; accounts are
		// added from the window.
		cfg, err = config.Parse("(none)", nil)
	}
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	phone, err := core.New(cfg, core.WithLogger(log), core.WithAudio(deviceAudio("", "", log)))
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	if err := phone.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitRuntime)
	}
	go func() {
		err := gui.Run(ctx, phone, phone, gui.Options{Dark: *dark})
		closePhone(ctx, phone)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: window: %v\n", err)
			os.Exit(exitRuntime)
		}
		os.Exit(exitOK)
	}()
	app.Main()
}
