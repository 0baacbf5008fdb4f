package secure

import (
	"fmt"
	"log/slog"
	"math/bits"

	"github.com/pion/logging"
)

// pionLogs sends pion's logging to slog, which pion would otherwise print
// to the console on its own. Trace and Debug both become Debug.
type pionLogs struct{ log *slog.Logger }

func (f pionLogs) NewLogger(scope string) logging.LeveledLogger {
	return pionLogger{f.log.With("pion", scope)}
}

type pionLogger struct{ log *slog.Logger }

func (l pionLogger) Trace(msg string)                  { l.log.Debug(msg) }
func (l pionLogger) Tracef(format string, args ...any) { l.log.Debug(fmt.Sprintf(format, args...)) }
func (l pionLogger) Debug(msg string)                  { l.log.Debug(msg) }
func (l pionLogger) Debugf(format string, args ...any) { l.log.Debug(fmt.Sprintf(format, args...)) }
func (l pionLogger) Info(msg string)                   { l.log.Info(msg) }
func (l pionLogger) Infof(format string, args ...any)  { l.log.Info(fmt.Sprintf(format, args...)) }
func (l pionLogger) Warn(msg string)                   { l.log.Warn(msg) }
func (l pionLogger) Warnf(format string, args ...any)  { l.log.Warn(fmt.Sprintf(format, args...)) }
func (l pionLogger) Error(msg string)                  { l.log.Error(msg) }
func (l pionLogger) Errorf(format string, args ...any) { l.log.Error(fmt.Sprintf(format, args...)) }

// logDrop reports the 1st, 2nd, 4th, 8th... dropped packet: a call whose
// keys do not match drops every packet, and one line per doubling says so
// without flooding the log or allocating on the media path.
func logDrop(count uint64, kind string, err error) {
	if bits.OnesCount64(count) != 1 {
		return
	}
	if err == nil {
		slog.Debug("srtp: packet before keys dropped", "kind", kind, "dropped", count)
		return
	}
	slog.Warn("srtp: packet dropped", "kind", kind, "dropped", count, "err", err)
}
