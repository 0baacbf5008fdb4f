// Package pionlog routes the logs of pion's libraries (ICE, DTLS) to slog.
package pionlog

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// Factory gives pion loggers that write to log at Debug: pion warns about
// things that are routine for a softphone (a STUN server that does not
// answer, a candidate it cannot pair, a retransmitted handshake flight),
// and our own errors and events say what matters. Trace (every packet) is
// dropped.
func Factory(log *slog.Logger) logging.LoggerFactory { return factory{log} }

type factory struct{ log *slog.Logger }

func (f factory) NewLogger(scope string) logging.LeveledLogger {
	return logger{log: f.log.With("pion", scope)}
}

type logger struct{ log *slog.Logger }

func (l logger) out(level, msg string) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(msg, "level", level)
	}
}

func (l logger) outf(level, format string, args ...any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(fmt.Sprintf(format, args...), "level", level)
	}
}

func (logger) Trace(string)                        {}
func (logger) Tracef(string, ...any)               {}
func (l logger) Debug(msg string)                  { l.out("debug", msg) }
func (l logger) Debugf(format string, args ...any) { l.outf("debug", format, args...) }
func (l logger) Info(msg string)                   { l.out("info", msg) }
func (l logger) Infof(format string, args ...any)  { l.outf("info", format, args...) }
func (l logger) Warn(msg string)                   { l.out("warn", msg) }
func (l logger) Warnf(format string, args ...any)  { l.outf("warn", format, args...) }
func (l logger) Error(msg string)                  { l.out("error", msg) }
func (l logger) Errorf(format string, args ...any) { l.outf("error", format, args...) }
