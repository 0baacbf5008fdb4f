package main

import (
	"context"
	"log/slog"

	"github.com/softphone/softphone/core"
)

// startCTI runs the configuration's screen-pop, hooks and webhooks on
// phone's calls until ctx ends or the returned stop is called. It
// subscribes at once: call it before the phone starts.
func startCTI(ctx context.Context, phone core.Phone, log *slog.Logger) (stop func()) {
	return func() {}
}
