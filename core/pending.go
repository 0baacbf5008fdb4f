package core

// PENDING: scaffolding for issue 6. Each owner moves its functions into
// its own file and deletes them here; this file must be gone at the end.

import (
	"errors"
	"time"

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

// --- events helper: core/voicemail.go, messages.go, blf.go (types may move
// to those files; keep the names and fields, add what you need)

// VoicemailStatus is an account's message-waiting indication (RFC 3842).
type VoicemailStatus struct {
	Account string `json:"account"`
	Waiting bool   `json:"waiting"`
	New     int    `json:"new"`
	Old     int    `json:"old"`
	Number  string `json:"number,omitempty"` // what DialVoicemail calls
}

// VoicemailEvent reports a change of an account's voicemail status.
type VoicemailEvent struct{ VoicemailStatus }

// Voicemail lists each account's message-waiting status.
func (p *Phone) Voicemail() []VoicemailStatus { return nil }

// DialVoicemail calls the account's voicemail number ("" = the first
// account that has one).
func (p *Phone) DialVoicemail(account string) (string, error) { return "", errPending }

// Message is one SIP MESSAGE sent or received.
type Message struct {
	Key      string    `json:"key"` // local id, stable across its delivery events
	Account  string    `json:"account,omitempty"`
	Peer     string    `json:"peer"` // sip:user@host of the other side
	Incoming bool      `json:"incoming"`
	Text     string    `json:"text"`
	State    string    `json:"state"` // "sending", "delivered", "failed", "received"
	Code     int       `json:"code,omitempty"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
}

// MessageEvent reports a message received, or a sent one's delivery state.
type MessageEvent struct{ Message }

// SendMessage sends text to to (a user, number or SIP URI) from account
// ("" picks one like Dial); its delivery comes as MessageEvents.
func (p *Phone) SendMessage(account, to, text string) (Message, error) {
	return Message{}, errPending
}

// BLFState is a watched extension's dialog state (RFC 4235).
type BLFState string

// BLF states.
const (
	BLFUnknown BLFState = "unknown"
	BLFIdle    BLFState = "idle"
	BLFRinging BLFState = "ringing"
	BLFBusy    BLFState = "busy"
)

// BLFEvent reports a watched extension's new state.
type BLFEvent struct {
	URI   string   `json:"uri"`
	State BLFState `json:"state"`
}

// Watch sets the extensions to watch (contacts marked BLF, speed-dial
// keys): subscriptions start for new ones and end for dropped ones.
func (p *Phone) Watch(uris []string) error { return errPending }

// Watched is each watched extension's last known state.
func (p *Phone) Watched() map[string]BLFState { return nil }

// Pickup answers the ringing call of a watched extension (directed pickup).
func (p *Phone) Pickup(uri string) (string, error) { return "", errPending }
