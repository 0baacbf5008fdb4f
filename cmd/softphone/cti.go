package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/cti"
	"github.com/softphone/softphone/platform/open"
)

// ctiDrain is how long pending webhooks and hooks get once the phone has
// closed: short, so the process still exits promptly after a signal.
const ctiDrain = 500 * time.Millisecond

// startCTI runs the configuration's screen-pop, hooks and webhooks on
// phone's calls until the phone closes (so the hang-ups of closing are
// reported too) or the returned stop is called; either way pending
// webhooks get ctiDrain. It subscribes at once: call it before the phone
// starts.
func startCTI(ctx context.Context, phone core.Phone, log *slog.Logger) (stop func()) {
	events, unsubscribe := phone.Events()
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		cti.Watch(ctx, events, cti.Options{
			Config: func() config.Config { return phone.State().Config },
			Opener: open.Browser(),
			Log:    log,
			Drain:  ctiDrain,
		})
	}()
	return func() {
		cancel()
		unsubscribe()
		<-done
	}
}
