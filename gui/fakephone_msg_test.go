package gui

import (
	"maps"
	"time"

	"github.com/softphone/softphone/core"
)

// The fake phone's messaging and busy-lamp commands (the window calls
// Watch and Watched whichever screen shows).

func (f *fakePhone) SendMessage(account, to, text string) (core.Message, error) {
	f.record("SendMessage", account, to, text)
	return core.Message{Key: "fake-msg", Account: account, Peer: to, Text: text, State: "sending", At: time.Now()}, nil
}

func (f *fakePhone) Watch(uris []string) error {
	f.record("Watch", uris)
	return nil
}

func (f *fakePhone) Watched() map[string]core.BLFState {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.blf)
}

func (f *fakePhone) Pickup(uri string) (string, error) {
	f.record("Pickup", uri)
	return "pickup-1", nil
}

// setBLF sets the watched extensions' states.
func (f *fakePhone) setBLF(m map[string]core.BLFState) {
	f.mu.Lock()
	f.blf = m
	f.mu.Unlock()
}
