// Package state holds what the phone tells its front-ends: the events, in
// one order, and the read model they produce (State), versioned together.
package state

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/softphone/softphone/core/video"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
)

// Event is one thing that happened in the phone. Every event marshals to a
// JSON object whose "event" field names its kind: the CLI's --json lines
// and the local API share this form.
type Event interface {
	Kind() string
	// Version is the state version this event produced: State() at that
	// version or later already shows it.
	Version() uint64
	stamped(v uint64) Event
}

// Stamp carries an event's state version; the bus sets it.
type Stamp struct{ version uint64 }

// Version is the state version the event produced (0 before publishing).
func (s Stamp) Version() uint64 { return s.version }

// RegistrationEvent reports a change of an account's registration.
type RegistrationEvent struct {
	Stamp
	account.Status
}

func (RegistrationEvent) Kind() string { return "registration" }

func (e RegistrationEvent) MarshalJSON() ([]byte, error) {
	return withKind(e, e.Status)
}

// ListeningEvent reports where the phone receives SIP.
type ListeningEvent struct {
	Stamp
	Addr string `json:"addr"` // host:port, UDP and TCP
}

func (ListeningEvent) Kind() string { return "listening" }

func (e ListeningEvent) MarshalJSON() ([]byte, error) {
	type plain ListeningEvent
	return withKind(e, plain(e))
}

// withKind marshals v between "event": kind first and the state "version"
// the event produced last.
func withKind(e Event, v any) ([]byte, error) {
	kind := e.Kind()
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	head, _ := json.Marshal(kind)
	out := make([]byte, 0, len(body)+len(head)+10)
	out = append(out, `{"event":`...)
	out = append(out, head...)
	if len(body) > 2 {
		out = append(out, ',')
		out = append(out, body[1:len(body)-1]...)
	}
	if v := e.Version(); v > 0 {
		out = append(out, `,"version":`...)
		out = strconv.AppendUint(out, v, 10)
	}
	return append(out, '}'), nil
}

// CallEvent reports a change of a call's state.
type CallEvent struct {
	Stamp
	call.Info
}

func (CallEvent) Kind() string { return "call" }

func (e CallEvent) MarshalJSON() ([]byte, error) { return withKind(e, e.Info) }

// MediaEvent reports the call's audio: "flowing" when the first RTP
// packet from the far end arrived (At), early media included.
type MediaEvent struct {
	Stamp
	CallID string    `json:"call"`
	State  string    `json:"state"`
	At     time.Time `json:"at"`
}

func (MediaEvent) Kind() string { return "media" }

func (e MediaEvent) MarshalJSON() ([]byte, error) {
	type plain MediaEvent
	return withKind(e, plain(e))
}

// DTMFEvent reports a digit the far end sent.
type DTMFEvent struct {
	Stamp
	CallID string `json:"call"`
	Digit  string `json:"digit"`
	Via    string `json:"via"` // "rtp" (RFC 4733) or "info" (SIP INFO)
}

func (DTMFEvent) Kind() string { return "dtmf" }

func (e DTMFEvent) MarshalJSON() ([]byte, error) {
	type plain DTMFEvent
	return withKind(e, plain(e))
}

// CallStatsEvent reports a call's quality figures; Final on the last one.
type CallStatsEvent struct {
	Stamp
	CallID string
	Stats  media.Stats
	Final  bool
}

func (CallStatsEvent) Kind() string { return "stats" }

func (e CallStatsEvent) MarshalJSON() ([]byte, error) {
	s := e.Stats
	return withKind(e, struct {
		CallID             string       `json:"call"`
		Final              bool         `json:"final,omitempty"`
		Codec              string       `json:"codec"`
		PacketsSent        uint64       `json:"packets_sent"`
		PacketsReceived    uint64       `json:"packets_received"`
		Lost               uint64       `json:"lost"`
		JitterMS           float64      `json:"jitter_ms"`
		RTTMS              float64      `json:"rtt_ms"`
		RemoteFractionLost float64      `json:"remote_fraction_lost"`
		Concealed          uint64       `json:"concealed_frames"`
		Late               uint64       `json:"late"`
		JitterDelayMS      float64      `json:"jitter_buffer_ms"`
		Path               string       `json:"path,omitempty"`
		Video              *video.Stats `json:"video,omitempty"`
	}{e.CallID, e.Final, s.Codec, s.PacketsSent, s.PacketsReceived, s.Lost, ms(s.Jitter), ms(s.RTT), s.RemoteFractionLost, s.Concealed, s.Late, ms(s.JitterDelay), s.Path, s.Video})
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// DeviceEvent reports an audio device failure during a call; the call goes
// on with a silent stand-in until another device is chosen.
type DeviceEvent struct {
	Stamp
	CallID string `json:"call"`
	Error  string `json:"error"`
}

func (DeviceEvent) Kind() string { return "device" }

func (e DeviceEvent) MarshalJSON() ([]byte, error) {
	type plain DeviceEvent
	return withKind(e, plain(e))
}

// NoticeEvent is something the user should be told once, in words (for
// now: that passwords stay in the configuration file for lack of a
// keyring).
type NoticeEvent struct {
	Stamp
	Text string `json:"text"`
}

func (NoticeEvent) Kind() string { return "notice" }

func (e NoticeEvent) MarshalJSON() ([]byte, error) {
	type plain NoticeEvent
	return withKind(e, plain(e))
}
