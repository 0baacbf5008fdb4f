//go:build !nogui

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"gioui.org/app"
	"gioui.org/io/system"
	"gioui.org/text"

	"github.com/softphone/softphone/assets"
	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/gui"
	"github.com/softphone/softphone/gui/theme"
	"github.com/softphone/softphone/internal/api"
	"github.com/softphone/softphone/platform/notify"
	"github.com/softphone/softphone/platform/ringer"
)

// runGUI opens the window. app.Events takes the main goroutine (macOS and
// others need it), so the phone and the window run beside it and the
// process exits when the window closes.
func runGUI(ctx context.Context, args []string, stderr io.Writer) {
	fset := flag.NewFlagSet("softphone", flag.ContinueOnError)
	fset.SetOutput(stderr)
	cfgPath := fset.String("config", "", "configuration file")
	data := dataFlag(fset)
	dark := fset.Bool("dark", false, "dark theme (default: the [ui] theme of the configuration)")
	asJSON := fset.Bool("json", false, "also print the phone's events as JSON lines on stdout (automation, tests)")
	verbose := fset.Bool("v", false, "verbose logging on stderr")
	apiFlag := fset.String("api", "", "serve the local API on `HOST:PORT` or unix:/PATH (default: [api] listen; none if unset)")
	if err := parseArgs(fset, args); err != nil {
		os.Exit(exitUsage)
	}
	// A clicked link: the running window dials it, or this one will.
	dialOnStart := ""
	switch {
	case fset.NArg() == 1 && isLink(fset.Arg(0)):
		to, handed, code := launchLink(ctx, *cfgPath, fset.Arg(0), stderr)
		if handed {
			os.Exit(code)
		}
		dialOnStart = to
	case fset.NArg() > 0:
		fmt.Fprintf(stderr, "softphone: unexpected argument %q (a command, or a sip:, tel: or callto: link)\n\n%s", fset.Arg(0), usage)
		os.Exit(exitUsage)
	}
	log := newLogger(stderr, *verbose)
	// The fonts load on the other core while the phone starts.
	shaper := make(chan *text.Shaper, 1)
	go func() { shaper <- theme.NewShaper() }()
	// On first start there is no file: direct calls work, and accounts
	// added from the window create it.
	cfg, err := loadOrNewConfig(*cfgPath)
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	driver := openDriverLazily(log)
	c, err := compose(ctx, phoneSetup{cfg: cfg, log: log, stderr: stderr, records: true, data: *data, secrets: true, register: true, driver: driver})
	if err != nil {
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitUsage)
	}
	phone := c.phone
	opt := gui.Options{Dark: *dark || cfg.UI.Theme == "dark", FirstFrame: firstFrameReporter(os.Stdout, *asJSON, log)}
	if c.store != nil {
		opt.Notice = c.store.Notice()
	} else {
		log.Error("history and contacts are unavailable", "error", c.storeErr)
		opt.Notice = "History and contacts are unavailable: " + c.storeErr.Error()
	}
	if *asJSON {
		events, _ := phone.Events()
		emit := eventPrinter(os.Stdout, true)
		go func() {
			for e := range events {
				emit(e)
			}
		}()
	}
	startRinger(ctx, phone, driver, cfg.Audio, log)
	startCTI(ctx, phone, log)
	// One phone per configuration: later launches hand their calls here.
	if _, err := serveInstance(ctx, phone, cfg.Path, log); errors.Is(err, api.ErrInUse) {
		c.close(ctx)
		fmt.Fprintf(stderr, "softphone: a softphone already runs with %s\n", cfg.Path)
		os.Exit(exitRuntime)
	} else if err != nil {
		log.Warn("no instance socket: clicked links will open another window", "error", err)
	}
	if addr := apiAddr(*apiFlag, cfg, ""); addr != "" {
		bound, _, err := serveAPI(ctx, phone, cfg, addr, log)
		if err != nil {
			c.close(ctx)
			fmt.Fprintf(stderr, "softphone: api: %v\n", err)
			os.Exit(apiExitCode(err))
		}
		if *asJSON {
			apiLine(os.Stdout, true, bound)
		}
	}
	if err := phone.Start(ctx); err != nil {
		c.close(ctx)
		fmt.Fprintf(stderr, "softphone: %v\n", err)
		os.Exit(exitRuntime)
	}
	if dialOnStart != "" {
		if _, err := api.Dial(ctx, phone, dialOnStart, "", false); err != nil {
			log.Error("dial the clicked link", "to", dialOnStart, "error", err)
		}
	}
	if n, err := notify.New(); err == nil {
		opt.Notifier = n
	} else {
		log.Info("no desktop notifications", "error", err)
	}
	opt.Shaper = <-shaper
	actions := make(chan system.Action, 4)
	opt.Actions = actions
	stopDesktop := startDesktop(ctx, phone, *cfg, *data, actions, log)
	go func() {
		err := gui.Run(ctx, phone, opt)
		stopDesktop()
		c.close(ctx)
		if err != nil {
			fmt.Fprintf(stderr, "softphone: window: %v\n", err)
			os.Exit(exitRuntime)
		}
		os.Exit(exitOK)
	}()
	// macOS hands a clicked link to a running app (and to one it starts
	// for it) as an event, not an argument; elsewhere no such event comes.
	for e := range app.Events {
		if u, ok := e.(app.URLEvent); ok {
			go dialLinkEvent(ctx, phone, u, log)
		}
	}
}

// dialLinkEvent dials the link of a URL event as a clicked link is dialled.
func dialLinkEvent(ctx context.Context, phone core.Phone, e app.URLEvent, log *slog.Logger) {
	to, ok := core.LinkTarget(e.URL.String())
	if !ok {
		log.Warn("not a sip:, sips:, tel: or callto: link", "link", e.URL.String())
		return
	}
	if _, err := api.Dial(ctx, phone, to, "", false); err != nil {
		log.Error("dial the clicked link", "to", to, "error", err)
	}
}

// firstFrameReporter reports the window's first drawn frame: with --json a
// line {"event":"window","state":"first_frame","at":RFC3339Nano} on w (the
// start-up benchmark times it), else an Info log line.
func firstFrameReporter(w io.Writer, asJSON bool, log *slog.Logger) func(time.Time) {
	return func(at time.Time) {
		if !asJSON {
			log.Info("window: first frame drawn", "at", at)
			return
		}
		line, _ := json.Marshal(struct {
			Event string    `json:"event"`
			State string    `json:"state"`
			At    time.Time `json:"at"`
		}{"window", "first_frame", at})
		if _, err := w.Write(append(line, '\n')); err != nil {
			log.Error("write event", "error", err)
		}
	}
}

// startRinger rings the output device while a call is incoming: the
// configured ringtone, else the built-in one.
// It gets ready in the background (decoding the tone, the driver), off
// the first frame's path; it listens from now on, so no call is missed.
func startRinger(ctx context.Context, phone core.Phone, d *lazyDriver, a config.Audio, log *slog.Logger) {
	events, unsubscribe := phone.Events()
	go func() {
		tone := assets.Ringtone
		if a.Ringtone != "" {
			b, err := os.ReadFile(a.Ringtone)
			if err != nil {
				log.Warn("ringtone: using the built-in one", "error", err)
			} else {
				tone = b
			}
		}
		if _, err := d.driver(); err != nil {
			unsubscribe()
			return
		}
		r, err := ringer.New(d, tone, a.Output)
		if err != nil {
			log.Warn("no ringtone", "error", err)
			unsubscribe()
			return
		}
		ringer.Watch(ctx, events, r)
		r.Close()
	}()
}
