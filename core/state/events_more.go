package state

import (
	"time"

	"github.com/softphone/softphone/core/config"
)

// VoicemailStatus is an account's message-waiting indication (RFC 3842).
type VoicemailStatus struct {
	Account string `json:"account"`
	Waiting bool   `json:"waiting"`
	New     int    `json:"new"`
	Old     int    `json:"old"`
	Urgent  int    `json:"urgent,omitempty"` // of the new ones
	Number  string `json:"number,omitempty"` // what DialVoicemail calls
}

// VoicemailEvent reports a change of an account's voicemail status.
type VoicemailEvent struct {
	Stamp
	VoicemailStatus
}

func (VoicemailEvent) Kind() string { return "voicemail" }

func (e VoicemailEvent) MarshalJSON() ([]byte, error) { return withKind(e, e.VoicemailStatus) }

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
	Stamp
	URI   string   `json:"uri"`
	State BLFState `json:"state"`
}

func (BLFEvent) Kind() string { return "blf" }

func (e BLFEvent) MarshalJSON() ([]byte, error) {
	type plain BLFEvent
	return withKind(e, plain(e))
}

// WatchEvent reports the set of watched extensions after a change: lamps
// not in it go, new ones start as unknown.
type WatchEvent struct {
	Stamp
	URIs []string `json:"uris"`
}

func (WatchEvent) Kind() string { return "watch" }

func (e WatchEvent) MarshalJSON() ([]byte, error) {
	type plain WatchEvent
	return withKind(e, plain(e))
}

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

// Message states.
const (
	MessageSending   = "sending"
	MessageDelivered = "delivered"
	MessageFailed    = "failed"
	MessageReceived  = "received"
)

// MessageEvent reports a message received, or a sent one's delivery state.
type MessageEvent struct {
	Stamp
	Message
}

func (MessageEvent) Kind() string { return "message" }

func (e MessageEvent) MarshalJSON() ([]byte, error) { return withKind(e, e.Message) }

// ConfigEvent reports applied settings (accounts, DND, forwarding, audio,
// window): State.Config is the new configuration. Secrets stay out of the
// JSON form.
type ConfigEvent struct {
	Stamp
	Config config.Config `json:"-"`
	What   string        `json:"what"` // "accounts" or "settings": what changed
}

func (ConfigEvent) Kind() string { return "config" }

func (e ConfigEvent) MarshalJSON() ([]byte, error) {
	type plain ConfigEvent
	return withKind(e, plain(e))
}

// JournalEvent reports that the journal stored something the screens list:
// a finished call in history (CallID set), its recording, or changed
// counts. State carries the counts.
type JournalEvent struct {
	Stamp
	CallID       string `json:"call,omitempty"`      // the history entry written, if any
	Recording    string `json:"recording,omitempty"` // its recording, once finished
	UnseenMissed int    `json:"unseen_missed"`       // missed calls not seen yet
	Unread       int    `json:"unread"`              // messages not read yet
}

func (JournalEvent) Kind() string { return "journal" }

func (e JournalEvent) MarshalJSON() ([]byte, error) {
	type plain JournalEvent
	return withKind(e, plain(e))
}
