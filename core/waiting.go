package core

import (
	"context"
	"sync"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/policy"
	"github.com/softphone/softphone/core/waiting"
)

// Call waiting: a second call rings while one is up. core/waiting picks
// the calls that play the waiting tone; the phone's policy is that
// answering a call puts the others on hold, and resuming a held call puts
// the one in progress on hold (swap), so that one call talks at a time.

// scheduleWaiting re-evaluates the waiting tone soon (see waiting.Tone).
func (p *Engine) scheduleWaiting() { p.waiting.Schedule(p.waitingCalls) }

// waitingCalls is callList for the waiting tone.
func (p *Engine) waitingCalls() []waiting.Call {
	calls := p.callList()
	out := make([]waiting.Call, len(calls))
	for i, c := range calls {
		out[i] = c
	}
	return out
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

// callInfos are the live calls' states.
func (p *Engine) callInfos() []call.Info {
	calls := p.callList()
	out := make([]call.Info, len(calls))
	for i, c := range calls {
		out[i] = c.m.Info()
	}
	return out
}

// holdOthers puts on hold the calls policy.ToHold names (re-INVITE
// a=sendonly): the user is about to talk on id. Holds run side by side;
// one that fails is logged, the answer or resume goes on.
func (p *Engine) holdOthers(ctx context.Context, id string) {
	var wg sync.WaitGroup
	for _, h := range policy.ToHold(p.callInfos(), id) {
		wg.Go(func() {
			if err := p.setHold(ctx, h, true); err != nil {
				p.o.log.Warn("call waiting: could not hold the call in progress", "call", h, "error", err)
			}
		})
	}
	wg.Wait()
}
