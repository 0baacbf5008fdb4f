// Package cti tells other programs about calls, as the configuration's
// [cti] section and each account's CTI keys say: it opens a web page for
// an incoming call (screen-pop), runs commands with the call's values in
// their environment (hooks) and POSTs signed JSON to a URL (webhooks).
//
// Watch follows the phone's event stream and turns each call's changes
// into triggers, each at most once per call: ring (an incoming call first
// seen ringing), dial (an outgoing call first seen), answer (first
// connected), hangup (ended) and missed (ended unanswered, not declined:
// call.Info.Missed). Nothing it does blocks the stream: pages open, hooks
// run and webhooks are delivered on goroutines of their own, with bounds
// on each.
package cti

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/softphone/softphone/core/config"
)

// Trigger is what happened to a call.
type Trigger string

// The triggers, in the order one call can fire them.
const (
	Ring   Trigger = "ring"
	Dial   Trigger = "dial"
	Answer Trigger = "answer"
	Hangup Trigger = "hangup"
	Missed Trigger = "missed"
)

// Opener opens a URL in the user's browser (platform/open).
type Opener interface {
	Open(ctx context.Context, url string) error
}

// Options are what Watch works with.
type Options struct {
	// Config is the configuration in force, read at each trigger so
	// changes apply to the next one; nil is a configuration without CTI.
	Config func() config.Config
	// Opener opens screen-pops; nil opens none.
	Opener Opener
	// Client posts webhooks; nil is a client that follows no redirect.
	// Each attempt has its own timeout either way.
	Client *http.Client
	// Log gets what went wrong (a hook's failure, a webhook given up);
	// nil is slog.Default().
	Log *slog.Logger
	// Environ is the environment hooks start from, the call's variables
	// added; nil is os.Environ() at each run.
	Environ []string
	// Drain is how long Watch, once told to stop, lets pending webhooks
	// and running hooks finish before cancelling them; 0 is DefaultDrain.
	Drain time.Duration

	// For tests: the first retry's delay, the attempt timeout, and a
	// look at Watch's state.
	retryBase, attemptTimeout time.Duration
	started                   func(*watcher)
}

// Bounds of what Watch starts.
const (
	DefaultDrain = 2 * time.Second
	// MaxHooks is how many hooks may run at once; one more is skipped.
	MaxHooks = 8
	// MaxPopups is how many screen-pops may be opening at once.
	MaxPopups = 4
	// MaxPending is how many webhook deliveries may wait, across calls;
	// one more drops the oldest.
	MaxPending = 1000
	// MaxAttempts is how many times one delivery is tried.
	MaxAttempts = 6

	popupTimeout   = 10 * time.Second
	hookWaitDelay  = time.Second
	retryBase      = 200 * time.Millisecond
	retryCap       = 30 * time.Second
	attemptTimeout = 10 * time.Second
	maxInFlight    = 16   // webhook requests at once
	maxEnded       = 4096 // ended calls remembered, so a late event fires nothing
	stderrHead     = 512  // bytes of a failed hook's stderr logged
)
