// Package call holds the one call state machine every call goes through,
// whichever side placed it and whatever drives it (GUI, CLI, API).
package call

import (
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"time"
)

// State is where a call stands.
type State int

const (
	Dialing    State = iota // we sent INVITE, nothing back yet
	Ringing                 // the far end rings (180/183, early media possible)
	Incoming                // a call for us, not answered yet
	Connected               // answered, audio both ways
	Held                    // we put it on hold
	RemoteHeld              // the far end put it on hold
	Ended
)

var stateNames = [...]string{"dialing", "ringing", "incoming", "connected", "held", "remote-held", "ended"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// MarshalText gives the name used in JSON events.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Direction says who placed the call.
type Direction string

const (
	Outgoing Direction = "outgoing"
	Inbound  Direction = "incoming"
)

// Party is the other end as shown to the user.
type Party struct {
	DisplayName string `json:"display_name,omitempty"`
	URI         string `json:"uri"`
}

// How a call's media is protected (Info.Encryption).
const (
	EncryptionNone = "none"      // plain RTP
	EncryptionSRTP = "srtp"      // SRTP keyed in the SDP (SDES)
	EncryptionDTLS = "dtls-srtp" // SRTP keyed by a DTLS handshake on the media path
)

// Info is a call's state at one moment.
type Info struct {
	ID         string    `json:"id"`
	Direction  Direction `json:"direction"`
	Account    string    `json:"account,omitempty"` // "" for a direct call
	Remote     Party     `json:"remote"`
	Contact    string    `json:"contact,omitempty"` // the name in the user's contacts, resolved by the phone
	State      State     `json:"state"`
	Codec      string    `json:"codec,omitempty"`
	Encryption string    `json:"encryption,omitempty"` // EncryptionNone, EncryptionSRTP, EncryptionDTLS; "" until media is agreed
	Video      *Video    `json:"video,omitempty"`      // nil: no video
	Muted      bool      `json:"muted,omitempty"`
	LocalHold  bool      `json:"local_hold,omitempty"`
	RemoteHold bool      `json:"remote_hold,omitempty"`
	// Business features: who referred or forwarded the call, where a
	// transfer stands, which local conference it is in, where it records.
	ReferredBy string    `json:"referred_by,omitempty"` // transferor, when a REFER made this call
	Redirected string    `json:"redirected,omitempty"`  // last 3xx target followed
	Transfer   string    `json:"transfer,omitempty"`    // "trying", "ringing", "done", "failed: 486 Busy Here"
	Conference string    `json:"conference,omitempty"`  // local conference id; "" when not in one
	Recording  string    `json:"recording,omitempty"`   // file being written; "" when not recording
	AutoAnswer bool      `json:"auto_answer,omitempty"` // answered (or to be) without the user
	Reason     string    `json:"reason,omitempty"`      // why it ended
	Code       int       `json:"code,omitempty"`        // SIP status behind Reason
	Started    time.Time `json:"started"`
	Answered   time.Time `json:"answered,omitzero"`
	EndedAt    time.Time `json:"ended,omitzero"`

	// RecordingSince is when the file in Recording was started (a
	// conference's recording may predate the call joining it); zero when
	// not recording. Clocks count from it, not from when they first see
	// Recording.
	RecordingSince time.Time `json:"recording_since,omitzero"`
}

// MarshalJSON keeps Info's tags (declared so Info can embed elsewhere).
func (i Info) MarshalJSON() ([]byte, error) {
	type plain Info
	return json.Marshal(plain(i))
}

// ErrTransition is returned for a command the call's state does not allow
// (answering an outgoing call, holding a ringing one...).
var ErrTransition = errors.New("call: not possible in this state")

// Machine is one call's state machine. Every change goes through it and is
// reported to the observer, so the event stream is the call's true history.
type Machine struct {
	// order is held from a change until its observer returns, so changes
	// made on different goroutines (a transfer's progress, a conference
	// leg leaving, the far end's BYE) are reported in the order they were
	// made. The observer must not change the call itself.
	order  sync.Mutex
	mu     sync.Mutex
	info   Info
	notify func(Info)
	now    func() time.Time
}

// New starts a call in Dialing (outgoing) or Incoming state.
func New(id string, dir Direction, account string, remote Party, notify func(Info), now func() time.Time) *Machine {
	if now == nil {
		now = time.Now
	}
	st := Dialing
	if dir == Inbound {
		st = Incoming
	}
	m := &Machine{notify: notify, now: now}
	m.info = Info{ID: id, Direction: dir, Account: account, Remote: remote, State: st, Started: now()}
	return m
}

// Info is the current state.
func (m *Machine) Info() Info {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.info
}

// change applies f under the lock if the state is one of from, then
// notifies outside it (readers of Info are not held up by the observer).
func (m *Machine) change(f func(*Info), from ...State) error {
	m.order.Lock()
	defer m.order.Unlock()
	m.mu.Lock()
	ok := false
	for _, s := range from {
		if m.info.State == s {
			ok = true
			break
		}
	}
	if !ok {
		st := m.info.State
		m.mu.Unlock()
		return fmt.Errorf("%w (%s)", ErrTransition, st)
	}
	before := m.info
	f(&m.info)
	info := m.info
	m.mu.Unlock()
	if m.notify != nil && info != before {
		m.notify(info)
	}
	return nil
}

// Ringing: the far end alerts (180/183).
func (m *Machine) Ringing() error {
	return m.change(func(i *Info) { i.State = Ringing }, Dialing, Ringing)
}

// Answered: 200 OK sent or received, media negotiated with codec.
func (m *Machine) Answered(codec string) error {
	return m.change(func(i *Info) {
		i.State, i.Codec, i.Answered = Connected, codec, m.now()
	}, Dialing, Ringing, Incoming)
}

// SetHold records a hold or resume by us (local) or by the far end.
func (m *Machine) SetHold(local bool, on bool) error {
	return m.change(func(i *Info) {
		if local {
			i.LocalHold = on
		} else {
			i.RemoteHold = on
		}
		switch {
		case i.LocalHold:
			i.State = Held
		case i.RemoteHold:
			i.State = RemoteHeld
		default:
			i.State = Connected
		}
	}, Connected, Held, RemoteHeld)
}

// SetCodec records a codec change (a re-INVITE may switch it).
func (m *Machine) SetCodec(codec string) error {
	return m.change(func(i *Info) { i.Codec = codec }, Connected, Held, RemoteHeld)
}

// SetEncryption records how the media is protected: one of the
// Encryption constants. Settled before the answer (media starts just
// before it), it is told with the answer itself rather than as a change
// of its own: a call being set up makes no event for it. After the answer
// (a DTLS handshake finishing) it is a change like any other.
func (m *Machine) SetEncryption(e string) error {
	m.mu.Lock()
	switch m.info.State {
	case Dialing, Ringing, Incoming:
		m.info.Encryption = e
		m.mu.Unlock()
		return nil
	}
	m.mu.Unlock()
	return m.change(func(i *Info) { i.Encryption = e }, Connected, Held, RemoteHeld)
}

// SetMuted records mute; it changes no SIP state.
func (m *Machine) SetMuted(on bool) error {
	return m.change(func(i *Info) { i.Muted = on }, Dialing, Ringing, Incoming, Connected, Held, RemoteHeld)
}

// Init adjusts a new call before its first event (who referred it, that
// it will be answered automatically); it notifies no one.
func (m *Machine) Init(f func(*Info)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := m.info.State
	f(&m.info)
	m.info.State = st
}

// Update applies f to a live call's business-feature fields (transfer,
// conference, recording, remote party after a redirect or a replacement)
// and reports the change. The state itself moves only by the methods above.
func (m *Machine) Update(f func(*Info)) error {
	return m.change(func(i *Info) {
		st := i.State
		f(i)
		i.State = st
	}, Dialing, Ringing, Incoming, Connected, Held, RemoteHeld)
}

// End finishes the call with a reason and, when SIP gave one, its code.
// Ending an ended call is a no-op returning ErrTransition.
func (m *Machine) End(reason string, code int) error {
	return m.change(func(i *Info) {
		i.State, i.Reason, i.Code, i.EndedAt = Ended, reason, code, m.now()
	}, Dialing, Ringing, Incoming, Connected, Held, RemoteHeld)
}

// Is reports whether the call is in one of states.
func (m *Machine) Is(states ...State) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range states {
		if m.info.State == s {
			return true
		}
	}
	return false
}

// Missed reports an incoming call that ended never answered and that we
// did not decline: the journal's missed calls and the CTI "missed"
// trigger share this one definition.
func (i Info) Missed() bool {
	return i.Direction == Inbound && i.Answered.IsZero() && i.State == Ended && i.Reason != "rejected"
}

// Established is true once answered and until the end.
func (i Info) Established() bool {
	return i.State == Connected || i.State == Held || i.State == RemoteHeld
}
