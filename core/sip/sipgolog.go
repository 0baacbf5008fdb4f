package sip

import (
	"context"
	"log/slog"
)

// sipgoLog is the logger sipgo's transport and transaction layers get:
// ours, except that what the network can make them say about every
// datagram it sends (a message that does not parse, logged with its
// whole text) goes to debug, clipped. A flood of garbage must not become
// a flood of error lines.
func sipgoLog(l *slog.Logger) *slog.Logger { return slog.New(&quietHandler{l.Handler()}) }

// noisy are sipgo's messages a stranger's datagram can cause.
var noisy = map[string]bool{
	"failed to parse":                    true,
	"Read filter error":                  true,
	"Server tx failed to handle request": true,
}

const clipAttr = 200

type quietHandler struct{ h slog.Handler }

func (q *quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return q.h.Enabled(ctx, l) || q.h.Enabled(ctx, slog.LevelDebug)
}

func (q *quietHandler) Handle(ctx context.Context, r slog.Record) error {
	if !noisy[r.Message] {
		if !q.h.Enabled(ctx, r.Level) {
			return nil
		}
		return q.h.Handle(ctx, r)
	}
	if !q.h.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	out := slog.NewRecord(r.Time, slog.LevelDebug, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if s, ok := a.Value.Any().(string); ok && len(s) > clipAttr {
			a = slog.String(a.Key, s[:clipAttr]+"…")
		}
		out.AddAttrs(a)
		return true
	})
	return q.h.Handle(ctx, out)
}

func (q *quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &quietHandler{q.h.WithAttrs(as)}
}

func (q *quietHandler) WithGroup(name string) slog.Handler { return &quietHandler{q.h.WithGroup(name)} }
