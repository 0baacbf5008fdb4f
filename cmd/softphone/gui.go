package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"gioui.org/app"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui"
	platformaudio "github.com/softphone/softphone/platform/audio"
)

// runGUI opens the window. app.Main takes the main goroutine (macOS and
// others need it), so the phone and the window run beside it and the
// process exits when the window closes.
func runGUI(ctx context.Context, args []string, stderr io.Writer) {
	fset := flag.NewFlagSet("softphone", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "configuration file")
	dark := fset.Bool("dark", false, "dark theme (default: the [ui] theme of the configuration)")
	asJSON := fset.Bool("json", false, "also print the phone's events as JSON lines on stdout (automation, tests)")
	verbose := fset.Bool("v", false, "verbose logging on stderr")
	if err := fset.Parse(args); err != nil {
		os.Exit(exitUsage)
	}
	log := newLogger(stderr, *verbose)
	// On first start there is no file: direct calls work, and accounts
	// added from the window create it.
	cfg, err := loadOrNewConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	opts := []core.Option{core.WithLogger(log)}
	if d, err := platformaudio.NewDriver(); err == nil {
		opts = append(opts, core.WithAudioDriver(d))
	} else {
		log.Warn("no audio driver, calls are silent", "error", err)
	}
	phone, err := core.New(cfg, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	if *asJSON {
		events, _ := phone.Events()
		print := eventPrinter(os.Stdout, true)
		go func() {
			for e := range events {
				print(e)
			}
		}()
	}
	if err := phone.Start(ctx); err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitRuntime)
	}
	go func() {
		err := gui.Run(ctx, phone, phone, gui.Options{Dark: *dark || cfg.UI.Theme == "dark"})
		closePhone(ctx, phone)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: window: %v\n", err)
			os.Exit(exitRuntime)
		}
		os.Exit(exitOK)
	}()
	app.Main()
}
