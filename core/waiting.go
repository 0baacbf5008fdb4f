package core

import (
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/softphone/softphone/core/call"
)

// Call waiting: a second call rings while one is up. The call the user is
// talking on plays the waiting tone until the new call stops ringing;
// answering it puts the others on hold, and resuming a held call puts the
// one in progress on hold (swap), so that one call talks at a time.

// waitingState remembers which calls play the waiting tone, so that the
// tone is switched only when that changes.
type waitingState struct {
	pending atomic.Bool // a refresh is scheduled and has not started

	mu sync.Mutex
	on map[string]*activeCall
}

// scheduleWaiting re-evaluates the waiting tone soon, off the caller's
// goroutine: call events come from inside other locks (state machine
// observers, conference and transfer code), and switching the tone takes
// the media's. Each refresh reads the state live, so one that starts after
// an event covers it.
func (p *Engine) scheduleWaiting() {
	if p.waiting.pending.Swap(true) {
		return
	}
	go func() {
		p.waiting.pending.Store(false)
		p.refreshWaiting()
	}()
}

// refreshWaiting switches the waiting tone on the calls that should play
// it now and off on the others.
func (p *Engine) refreshWaiting() {
	w := &p.waiting
	w.mu.Lock()
	defer w.mu.Unlock()
	calls := p.callList()
	infos := make([]call.Info, len(calls))
	byID := make(map[string]*activeCall, len(calls))
	for i, c := range calls {
		infos[i] = c.m.Info()
		byID[c.id] = c
	}
	want := waitingToneCalls(infos)
	for id, c := range w.on {
		if !want[id] {
			delete(w.on, id)
			if !c.isEnded() {
				c.setWaitingTone(false)
			}
		}
	}
	for id := range want {
		if _, on := w.on[id]; on {
			continue
		}
		if w.on == nil {
			w.on = map[string]*activeCall{}
		}
		w.on[id] = byID[id]
		byID[id].setWaitingTone(true)
	}
}

// waitingToneCalls picks the calls that play the waiting tone: while some
// call rings for us, every established call we have not put on hold, and
// one call per local conference (its legs share what the user hears).
func waitingToneCalls(calls []call.Info) map[string]bool {
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

// callList is a snapshot of the live calls.
func (p *Engine) callList() []*activeCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]*activeCall, 0, len(p.calls))
	for _, c := range p.calls {
		out = append(out, c)
	}
	return out
}

// holdOthers puts every other established call we have not held on hold
// (re-INVITE a=sendonly), except the legs of call id's own conference:
// the user is about to talk on id. Holds run side by side; one that fails
// is logged, the answer or resume goes on.
func (p *Engine) holdOthers(ctx context.Context, id string) {
	conf := ""
	if c, err := p.getCall(id); err == nil {
		conf = c.m.Info().Conference
	}
	var wg sync.WaitGroup
	for _, c := range p.callList() {
		i := c.m.Info()
		if i.ID == id || !i.Established() || i.LocalHold || (conf != "" && i.Conference == conf) {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := p.setHold(ctx, i.ID, true); err != nil {
				p.o.log.Warn("call waiting: could not hold the call in progress", "call", i.ID, "error", err)
			}
		}()
	}
	wg.Wait()
}
