package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	videocap "github.com/softphone/softphone/platform/video"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/secret"
	"github.com/softphone/softphone/core/store"
)

// The program's one composition root: every mode (window, console, call,
// answer, register, watch, voicemail, message, dnd, forward) gets its
// phone from compose, so the options, the database and the order things
// close in are decided in one place.

// phoneSetup is what a mode wants of its phone.
type phoneSetup struct {
	cfg    *config.Config
	log    *slog.Logger
	stderr io.Writer // where the database's notice goes
	// records opens the database in data: the phone writes its calls and
	// messages there and answers the record queries from it.
	records bool
	data    string
	// secrets reads and keeps the account passwords in the keyring.
	secrets bool
	// register false keeps the accounts unregistered (calling out,
	// editing settings).
	register bool
	accounts []string          // only these accounts (enabled or not); nil: the enabled ones
	driver   audio.Driver      // the devices calls open (the window's); nil: audio below
	audio    core.AudioFactory // how each call opens its audio; nil: the phone's default
	codecs   []codec.Codec     // preference order; nil: the configuration's
}

// composed is a built, not yet started, phone and what it writes to.
type composed struct {
	phone *core.Engine
	store *store.Store // nil without records (not asked for, or unavailable: storeErr)
	// storeErr says why a database that was asked for is missing; the
	// phone runs without records then.
	storeErr error
	// close closes the phone (bounded: unregistering must not hold the
	// exit), then the database its last events were written to. It may
	// be called after the mode closed the phone itself.
	close func(ctx context.Context)
}

// compose builds the phone s describes. The caller subscribes to its
// events and starts it.
func compose(ctx context.Context, s phoneSetup) (*composed, error) {
	// One capture driver per process: X11 shared-memory capture sets up
	// library-wide tables once.
	opts := []core.Option{core.WithLogger(s.log), core.WithVideoDriver(videocap.NewDriver(videocap.WithLogger(s.log)))}
	if s.secrets {
		opts = append(opts, core.WithSecrets(secret.Keyring()))
	}
	if !s.register {
		opts = append(opts, core.WithoutRegistration())
	}
	if s.accounts != nil {
		opts = append(opts, core.WithAccounts(s.accounts...))
	}
	if s.driver != nil {
		opts = append(opts, core.WithAudioDriver(s.driver))
	}
	if s.audio != nil {
		opts = append(opts, core.WithAudio(s.audio))
	}
	if len(s.codecs) > 0 {
		opts = append(opts, core.WithCodecs(s.codecs...))
	}
	c := &composed{}
	if s.records {
		// Opened before the phone, so its first call is written.
		c.store, c.storeErr = openStore(ctx, s.data, s.stderr)
		if c.storeErr == nil {
			opts = append(opts, core.WithStore(c.store))
		}
	}
	phone, err := core.New(s.cfg, opts...)
	if err != nil {
		if c.store != nil {
			c.store.Close()
		}
		return nil, err
	}
	c.phone = phone
	c.close = func(ctx context.Context) {
		if err := closePhone(ctx, phone); err != nil {
			s.log.Warn("close the phone", "error", err)
		}
		if c.store != nil {
			if err := c.store.Close(); err != nil {
				s.log.Warn("close the database", "error", err)
			}
		}
	}
	return c, nil
}

// closeTimeout bounds closing the phone at exit (hang-ups, unregistering);
// signalledCloseTimeout when a signal asked us to stop: a service manager
// or a user pressing ^C wants the process gone at once.
const (
	closeTimeout          = 5 * time.Second
	signalledCloseTimeout = 1500 * time.Millisecond
)

// closePhone closes p within closeTimeout, even when ctx has ended (an
// interrupt, then within signalledCloseTimeout): the far ends get their
// BYEs, the registrar its expiry, as far as time allows.
func closePhone(ctx context.Context, p *core.Engine) error {
	d := closeTimeout
	if ctx.Err() != nil {
		d = signalledCloseTimeout
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	return p.Close(cctx)
}

// session is a started phone of a command (call, answer, console...):
// the phone as every front-end drives it, its events from before the
// start, and what ends it.
type session struct {
	phone  core.Phone
	events <-chan core.Event
	// closePhone closes the phone (bounded); its last events (hang-ups,
	// unregistrations) follow, then the stream ends.
	closePhone func()
	stop       func() // closes the phone, then the database; after closePhone too
}

// startSession composes the phone s describes and starts it. On failure
// it returns nil and the exit code.
func startSession(ctx context.Context, s phoneSetup) (*session, int) {
	c, err := compose(ctx, s)
	if err != nil {
		fmt.Fprintf(s.stderr, "softphone: %v\n", err)
		return nil, exitUsage
	}
	if c.storeErr != nil {
		fmt.Fprintf(s.stderr, "softphone: history is not recorded: %v\n", c.storeErr)
	}
	events, unsubscribe := c.phone.Events()
	if err := c.phone.Start(ctx); err != nil {
		unsubscribe()
		c.close(ctx)
		fmt.Fprintf(s.stderr, "softphone: %v\n", err)
		return nil, exitRuntime
	}
	return &session{phone: c.phone, events: events,
		closePhone: func() {
			if err := closePhone(ctx, c.phone); err != nil {
				s.log.Warn("close the phone", "error", err)
			}
		},
		stop: func() {
			c.close(ctx)
			unsubscribe()
		},
	}, exitOK
}

// speedDial turns a speed-dial slot ("2") into its number, from the
// phone's records; anything else, an empty slot or a phone without
// records comes back as is.
func speedDial(ctx context.Context, p core.Phone, to string) (string, error) {
	n, ok := store.ParseSlot(strings.TrimSpace(to))
	if !ok {
		return to, nil
	}
	d, found, err := p.SpeedDial(ctx, n)
	switch {
	case errors.Is(err, core.ErrNoRecords), err == nil && !found:
		return to, nil
	case err != nil:
		return "", fmt.Errorf("speed dial %s: %w", to, err)
	}
	return d.Number, nil
}
