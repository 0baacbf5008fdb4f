// Package account keeps one SIP account registered: the registration state
// machine, its refresh timer and its retry policy.
package account

import (
	"encoding/json"
	"fmt"
	"time"
)

// State is where an account's registration stands.
type State int

const (
	Unregistered State = iota
	Registering
	Registered
	Failed
)

var stateNames = [...]string{"unregistered", "registering", "registered", "failed"}

func (s State) String() string {
	if int(s) < len(stateNames) {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", int(s))
}

// MarshalText gives the lower-case name used in JSON events.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Status is one account's registration as shown to the user.
type Status struct {
	Account string
	State   State
	Code    int           // SIP status of the last final response, 0 if none
	Reason  string        // why it failed, with the server's code and phrase
	Expires int           // seconds granted by the registrar when Registered
	RetryIn time.Duration // when Failed and a retry is scheduled; 0 = none
	At      time.Time
}

// MarshalJSON writes the fields a script needs, with durations in seconds.
func (s Status) MarshalJSON() ([]byte, error) {
	type out struct {
		Account string  `json:"account"`
		State   State   `json:"state"`
		Code    int     `json:"code,omitempty"`
		Reason  string  `json:"reason,omitempty"`
		Expires int     `json:"expires,omitempty"`
		RetryIn float64 `json:"retry_in,omitempty"`
		At      string  `json:"at"`
	}
	return json.Marshal(out{s.Account, s.State, s.Code, s.Reason, s.Expires, s.RetryIn.Seconds(), s.At.UTC().Format(time.RFC3339Nano)})
}
