// Package transfer moves calls between parties (RFC 3515, RFC 5589,
// RFC 3891) in the three roles a phone plays: the transferor asks the far
// end (REFER) to call someone else and follows its reports; the
// transferee places the call a REFER asks for and reports on it; the
// target lets a new caller take over one of its calls (INVITE with
// Replaces). The phone keeps the calls and the policy (which calls, which
// address); this package owns the exchange while it runs.
package transfer

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// Leg is one call of the phone as a transfer sees it.
type Leg interface {
	ID() string
	Account() string // "" for a direct call
	// Machine is the call's state; a transfer shows its progress in
	// Info.Transfer and who referred a call in Info.ReferredBy.
	Machine() *call.Machine
	// Dialog is the call's SIP dialog, nil before it is established.
	Dialog() *sip.Dialog
	// Handler is the leg's own dialog handler: a transfer stands in for
	// it (sip.Dialog.SwapHandler) while it lasts, and gives it back.
	Handler() sip.DialogHandler
	// Ended is closed once the leg ended.
	Ended() <-chan struct{}
	// End ends the leg for the user at once; bye also hangs up its dialog.
	// Ending an ended leg changes nothing.
	End(reason string, code int, bye bool)
}

// Host is what transfers need of the phone around the legs.
type Host interface {
	Hold(ctx context.Context, id string) error
	Resume(ctx context.Context, id string) error
	// Place dials target from account with extra INVITE headers (Replaces,
	// Referred-By); setup adjusts the new call before its first event.
	Place(target, account string, hdrs []sip.Header, setup func(*call.Info)) (id string, err error)
	// Events subscribes to the phone's events from now on.
	Events() (<-chan state.Event, func())
	// Legs are the phone's calls now.
	Legs() []Leg
	// PickUp takes in as a directed pickup when r names an outgoing call
	// of ours still ringing elsewhere; false when it names none.
	PickUp(in *sip.Incoming, r sip.Replaces) bool
	// Answer answers in at once as a new call on old's account; an error
	// when it refused in or could not answer it (in is answered either way).
	Answer(in *sip.Incoming, old Leg) (id string, err error)
}

// Timeouts bound how long a transfer of ours waits for the transferee's
// next report (Idle) and for its final one (Max); zero picks the default.
type Timeouts struct{ Idle, Max time.Duration }

// Config is how one phone runs its transfers.
type Config struct {
	Log *slog.Logger
	// Life is the phone's lifetime: work a transfer starts on its own (a
	// failed transfer's resume) runs under it.
	Life     context.Context
	Timeouts Timeouts
}

// Agent runs the transfers of one phone, in every role. It keeps no
// state between transfers: each one lives in the handler standing in for
// its call's own.
type Agent struct {
	host  Host
	log   *slog.Logger
	life  context.Context
	waits Timeouts
}

// New makes the transfer agent of the phone host.
func New(host Host, cfg Config) *Agent {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Life == nil {
		cfg.Life = context.Background()
	}
	if cfg.Timeouts.Idle <= 0 {
		cfg.Timeouts.Idle = idleTimeout
	}
	if cfg.Timeouts.Max <= 0 {
		cfg.Timeouts.Max = maxWait
	}
	return &Agent{host: host, log: cfg.Log, life: cfg.Life, waits: cfg.Timeouts}
}

// Values of call.Info.Transfer.
const (
	Trying  = "trying"
	Ringing = "ringing"
	Done    = "done"
	Failed  = "failed: " // followed by why
	NoFinal = "no final report"
)

// ErrBusy means a transfer already runs in the call.
var ErrBusy = errors.New("a transfer is already in progress on this call")

func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}
