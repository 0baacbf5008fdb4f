package nat

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// pionLogs routes pion's logs to slog at Debug: pion warns about things
// that are routine for a softphone (a STUN server that does not answer, a
// candidate it cannot pair), and our own events say what matters.
type pionLogs struct{ log *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{log: f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) out(level, msg string) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(msg, "level", level)
	}
}

func (l pionLogger) outf(level, format string, args ...any) {
	if l.log.Enabled(context.Background(), slog.LevelDebug) {
		l.log.Debug(fmt.Sprintf(format, args...), "level", level)
	}
}

// Trace is too chatty (every packet) even for Debug.
func (pionLogger) Trace(string)          {}
func (pionLogger) Tracef(string, ...any) {}

func (l pionLogger) Debug(msg string)                  { l.out("debug", msg) }
func (l pionLogger) Debugf(format string, args ...any) { l.outf("debug", format, args...) }
func (l pionLogger) Info(msg string)                   { l.out("info", msg) }
func (l pionLogger) Infof(format string, args ...any)  { l.outf("info", format, args...) }
func (l pionLogger) Warn(msg string)                   { l.out("warn", msg) }
func (l pionLogger) Warnf(format string, args ...any)  { l.outf("warn", format, args...) }
func (l pionLogger) Error(msg string)                  { l.out("error", msg) }
func (l pionLogger) Errorf(format string, args ...any) { l.outf("error", format, args...) }
