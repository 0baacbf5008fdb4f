package core

import (
	"encoding/json"

	"github.com/softphone/softphone/core/account"
)

// Event is one thing that happened in the phone. Every event marshals to a
// JSON object whose "event" field names its kind: the CLI's --json lines
// and the local API share this form.
type Event interface {
	Kind() string
}

// RegistrationEvent reports a change of an account's registration.
type RegistrationEvent struct {
	account.Status
}

func (RegistrationEvent) Kind() string { return "registration" }

func (e RegistrationEvent) MarshalJSON() ([]byte, error) {
	return withKind(e.Kind(), e.Status)
}

// ListeningEvent reports where the phone receives SIP.
type ListeningEvent struct {
	Addr string `json:"addr"` // host:port, UDP and TCP
}

func (ListeningEvent) Kind() string { return "listening" }

func (e ListeningEvent) MarshalJSON() ([]byte, error) {
	type plain ListeningEvent
	return withKind(e.Kind(), plain(e))
}

// withKind marshals v and puts "event": kind first.
func withKind(kind string, v any) ([]byte, error) {
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
		out = append(out, body[1:]...)
	} else {
		out = append(out, '}')
	}
	return out, nil
}
