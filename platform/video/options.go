package video

import (
	"log/slog"
	"os"
	"time"
)

// Option configures a Driver.
type Option func(*options)

type options struct {
	log     *slog.Logger
	display string // X display name; "" means none
	now     func() time.Time
	noShm   bool
}

// WithLogger sets where the driver logs (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithDisplay names the X display to capture (default $DISPLAY); "" turns
// screen and window capture off.
func WithDisplay(name string) Option {
	return func(o *options) { o.display = name }
}

// WithNow sets the clock that stamps frames and paces sources (default
// time.Now).
func WithNow(now func() time.Time) Option {
	return func(o *options) {
		if now != nil {
			o.now = now
		}
	}
}

// WithoutShm makes screen and window capture use plain GetImage even
// where the X server offers MIT-SHM: slower (the picture crosses the
// socket), for servers whose shared memory misbehaves.
func WithoutShm() Option {
	return func(o *options) { o.noShm = true }
}

func buildOptions(opts []Option) options {
	o := options{log: slog.Default(), display: os.Getenv("DISPLAY"), now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}
