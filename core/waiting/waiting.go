// Package waiting decides which calls play the call-waiting tone: a
// second call rings while one is up, and the call the user is talking on
// plays the tone until the new call stops ringing.
package waiting

import (
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/call"
)

// Call is what the tone needs of a call.
type Call interface {
	Machine() *call.Machine
	Ended() bool
	SetWaitingTone(on bool)
}

// Tone remembers which calls play the waiting tone, so that the tone is
// switched only when that changes. Its zero value is ready.
//
// Locks: mu is held through a whole refresh, around listing the calls
// and the calls' own locks (their state machine's, and whatever
// SetWaitingTone takes); nothing takes mu under those.
type Tone struct {
	pending atomic.Bool // a refresh is scheduled and has not started

	mu sync.Mutex // guards on; one refresh at a time
	on map[string]Call
}

// Schedule re-evaluates the waiting tone soon, off the caller's
// goroutine, over the live calls that calls lists: call events come from
// inside other locks (state machine observers, conference and transfer
// code), and switching the tone takes the media's. Each refresh reads the
// state live, so one that starts after an event covers it.
func (t *Tone) Schedule(calls func() []Call) {
	if t.pending.Swap(true) {
		return
	}
	go func() {
		t.pending.Store(false)
		t.Refresh(calls)
	}()
}

// Refresh switches the waiting tone on the calls that should play it now
// and off on the others. The calls are listed under mu, so refreshes
// apply the states in the order they read them.
func (t *Tone) Refresh(list func() []Call) {
	t.mu.Lock()
	defer t.mu.Unlock()
	calls := list()
	infos := make([]call.Info, len(calls))
	byID := make(map[string]Call, len(calls))
	for i, c := range calls {
		infos[i] = c.Machine().Info()
		byID[infos[i].ID] = c
	}
	want := Want(infos)
	for id, c := range t.on {
		if !want[id] {
			delete(t.on, id)
			if !c.Ended() {
				c.SetWaitingTone(false)
			}
		}
	}
	for id := range want {
		if _, on := t.on[id]; on {
			continue
		}
		if t.on == nil {
			t.on = map[string]Call{}
		}
		t.on[id] = byID[id]
		byID[id].SetWaitingTone(true)
	}
}

// Want picks the calls that play the waiting tone: while some call rings
// for us, every established call we have not put on hold, and one call per
// local conference (its legs share what the user hears).
func Want(calls []call.Info) map[string]bool {
	want := map[string]bool{}
	ringing := slices.ContainsFunc(calls, func(i call.Info) bool { return i.State == call.Incoming })
	if !ringing {
		return want
	}
	calls = slices.Clone(calls)
	slices.SortFunc(calls, func(a, b call.Info) int { return strings.Compare(a.ID, b.ID) })
	confs := map[string]bool{}
	for _, i := range calls {
		if !i.Established() || i.LocalHold {
			continue
		}
		if i.Conference != "" {
			if confs[i.Conference] {
				continue
			}
			confs[i.Conference] = true
		}
		want[i.ID] = true
	}
	return want
}
