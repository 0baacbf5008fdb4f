package audio

import (
	"log/slog"
	"time"
)

// Backend selects a miniaudio backend. The values are miniaudio's own
// ma_backend numbers: malgo v0.11.24's constants are off by one from
// BackendCustom on (its BackendNull is really "custom").
type Backend uint32

// miniaudio backends, in ma_backend order.
const (
	BackendWASAPI Backend = iota
	BackendDirectSound
	BackendWinMM
	BackendCoreAudio
	BackendSndio
	BackendAudio4
	BackendOSS
	BackendPulseAudio
	BackendALSA
	BackendJACK
	BackendAAudio
	BackendOpenSL
	BackendWebAudio
	BackendCustom
	// BackendNull has no hardware: silent capture, discarded playback, at
	// an exact rate. For tests on machines without a sound card.
	BackendNull
)

// Option configures a Driver.
type Option func(*options)

type options struct {
	backends      []Backend
	log           *slog.Logger
	bufferPeriods int
	stallTimeout  time.Duration
}

func buildOptions(opts []Option) options {
	o := options{log: slog.Default(), bufferPeriods: 3, stallTimeout: 2 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithBackends restricts the driver to these backends, in order of
// preference (default: miniaudio's platform order).
func WithBackends(b ...Backend) Option {
	return func(o *options) { o.backends = append([]Backend(nil), b...) }
}

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(o *options) {
		if l != nil {
			o.log = l
		}
	}
}

// WithBufferPeriods sets how many periods the capture and playback rings
// hold between the device thread and the phone (default 3). More absorbs
// scheduling hiccups; fewer lowers latency.
func WithBufferPeriods(n int) Option {
	return func(o *options) { o.bufferPeriods = max(n, 1) }
}

// WithStallTimeout sets after how long without a callback from the device
// it is reported lost (ErrDeviceLost); 0 disables the watchdog. Default
// 2 s. Some losses (a PulseAudio server dying) are only seen this way.
func WithStallTimeout(d time.Duration) Option {
	return func(o *options) { o.stallTimeout = max(d, 0) }
}

// Stats counts glitches of an open device.
type Stats struct {
	// Overruns counts capture periods that found the ring full and dropped
	// the oldest audio (the phone did not read in time).
	Overruns int64
	// Underruns counts times playback ran dry after having audio and
	// played silence (the phone did not write in time).
	Underruns int64
}
