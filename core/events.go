package core

import "github.com/softphone/softphone/core/state"

// The events and the read model are the state package's; these names are
// the phone's API for them.
type (
	Event             = state.Event
	State             = state.State
	Quality           = state.Quality
	Qualities         = state.Qualities
	RegistrationEvent = state.RegistrationEvent
	ListeningEvent    = state.ListeningEvent
	CallEvent         = state.CallEvent
	MediaEvent        = state.MediaEvent
	DTMFEvent         = state.DTMFEvent
	CallStatsEvent    = state.CallStatsEvent
	DeviceEvent       = state.DeviceEvent
	NoticeEvent       = state.NoticeEvent
	VoicemailEvent    = state.VoicemailEvent
	VoicemailStatus   = state.VoicemailStatus
	BLFEvent          = state.BLFEvent
	BLFState          = state.BLFState
	WatchEvent        = state.WatchEvent
	MessageEvent      = state.MessageEvent
	Message           = state.Message
	ConfigEvent       = state.ConfigEvent
	JournalEvent      = state.JournalEvent
)

// BLF states and message states.
const (
	BLFUnknown       = state.BLFUnknown
	BLFIdle          = state.BLFIdle
	BLFRinging       = state.BLFRinging
	BLFBusy          = state.BLFBusy
	MessageSending   = state.MessageSending
	MessageDelivered = state.MessageDelivered
	MessageFailed    = state.MessageFailed
	MessageReceived  = state.MessageReceived
)
