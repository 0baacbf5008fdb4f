package core

// PENDING: scaffolding for issue 6. Each owner moves its functions into
// its own file and deletes them here; this file must be gone at the end.

import (
	"errors"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/sip"
)

var errPending = errors.New("not implemented yet")

// --- transfer helper: core/transfer*.go

// takeReplaces handles an INVITE carrying Replaces; true when it took it.
func (p *Phone) takeReplaces(in *sip.Incoming) bool { return false }

// Transfer hands call id over to target (blind transfer, REFER).
func (p *Phone) Transfer(id, target string) error { return errPending }

// AttendedTransfer joins call id's far end to consultation call consultID's
// far end (REFER with Replaces), then both our legs end.
func (p *Phone) AttendedTransfer(id, consultID string) error { return errPending }

// --- incoming policy helper: core/incoming_policy.go, forward.go, waiting.go

// screen refuses or forwards a new call before it rings; true when done.
func (p *Phone) screen(in *sip.Incoming, ln *line) bool { return false }

// afterRing starts what follows a ringing call: waiting tone, auto-answer,
// no-answer forwarding.
func (p *Phone) afterRing(c *activeCall) {}

// holdOthers puts every other established, unheld call on hold.
func (p *Phone) holdOthers(id string) {}

// SetDND turns do-not-disturb on or off on every account (saved).
func (p *Phone) SetDND(on bool) error { return errPending }

// --- media helper: core/recording.go, conference.go

// wrapDevice puts the recording tap and tone injector around a call's device.
func (c *activeCall) wrapDevice(dev audio.Device) audio.Device { return dev }

// setWaitingTone starts or stops the call-waiting tone mixed into what
// call c plays to the user (a second call rings meanwhile).
func (c *activeCall) setWaitingTone(on bool) {}

// Merge joins the calls into one local conference and returns its id.
func (p *Phone) Merge(ids ...string) (string, error) { return "", errPending }

// Split takes a call out of its conference (it stays up, on its own).
func (p *Phone) Split(id string) error { return errPending }

// StartRecording records call id (or its whole conference) and returns the file.
func (p *Phone) StartRecording(id string) (string, error) { return "", errPending }

// StopRecording stops recording call id.
func (p *Phone) StopRecording(id string) error { return errPending }
