package core

import (
	"context"

	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/video"
)

// Phone is the one interface every front-end drives (the window, the
// console and the command line, the local API): commands in, one ordered
// stream of events and one immutable State out. Policy (what to hold,
// which code to send, what to watch) is decided behind it. Commands that
// wait on the network take a context; the others return at once and
// report through events.
type Phone interface {
	// State is the read model now; Events streams what changes it, each
	// event stamped with the State version it produced.
	State() State
	Events() (events <-chan Event, cancel func())

	// Calls.
	Dial(ctx context.Context, to string, o DialOptions) (string, error)
	Answer(ctx context.Context, id string) error
	// Decline refuses a ringing call with the code the phone picks: 486
	// Busy Here while another call is up, 603 Decline otherwise.
	Decline(id string) error
	Reject(id string, code int) error
	Hangup(id string) error
	Hold(ctx context.Context, id string) error
	Resume(ctx context.Context, id string) error
	// SwitchTo makes id the call the user talks on: the others go on
	// hold, id (or its conference) comes off hold.
	SwitchTo(ctx context.Context, id string) error
	Mute(id string, on bool) error
	SendDTMF(id, digits string) error
	SetCallAudio(id, in, out string) error
	Transfer(ctx context.Context, id, target string) error
	AttendedTransfer(ctx context.Context, id, consultID string) error
	Merge(ctx context.Context, ids ...string) (string, error)
	Split(ctx context.Context, id string) error
	StartRecording(id string) (string, error)
	StopRecording(id string) error
	Pickup(ctx context.Context, uri string) (string, error)
	DialVoicemail(ctx context.Context, account string) (string, error)

	// Video: add, drop or change a call's video (on a ringing call: how
	// it will be answered); the pictures to draw; the capture devices.
	SetVideo(ctx context.Context, id string, v call.VideoRequest) error
	VideoFeeds(id string) (remote, local *video.Feed)
	VideoDevices(ctx context.Context) ([]video.DeviceInfo, error)

	// Messages and busy lamps.
	SendMessage(account, to, text string) (Message, error)
	Watch(ctx context.Context, uris []string) error

	// Accounts and settings: validated, saved, applied, then reported as
	// a ConfigEvent.
	Register(name string) error
	UpdateAccounts(ctx context.Context, accounts []config.Account) error
	UpdateSettings(ctx context.Context, a config.Audio, ui config.UI) error
	UpdateVideo(ctx context.Context, v config.Video) error
	SetDND(ctx context.Context, account string, on bool) error
	SetForwarding(ctx context.Context, account string, f Forwarding) error
	AudioDevices() ([]audio.DeviceInfo, error)
	InputLevel() float64

	Records
}

// Forwarding is where an account sends calls it does not take: a user,
// number or SIP URI each, "" for none.
type Forwarding struct {
	Always   string `json:"always,omitempty"`
	Busy     string `json:"busy,omitempty"`
	NoAnswer string `json:"no_answer,omitempty"`
	// NoAnswerAfter is how long a call rings before NoAnswer takes it
	// (seconds; 0: the default).
	NoAnswerAfter int `json:"no_answer_after,omitempty"`
}

var _ Phone = (*Engine)(nil)
