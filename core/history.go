package core

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
)

// History recording tunables.
const (
	historyWriteTimeout = 10 * time.Second       // one write, retries included
	historyTouchEvery   = 15 * time.Second       // how often a running call's "still going" time is saved
	historyDrainIdle    = 250 * time.Millisecond // stop: wait this long for late events
	historyDrainMax     = 5 * time.Second        // stop: never wait longer
)

// RecordHistory writes the phone's calls into s as they happen: each call
// when it starts, then at every change of state, its final quality
// figures, and every historyTouchEvery a mark that it still runs (so a
// call cut by a crash ends near the truth). It subscribes before
// returning, so no call placed afterwards is missed; calls already running
// are written at once. Each call keeps its recording's file (Info.Recording);
// recordings go into a "recordings" folder beside s's database unless the
// configuration names one.
//
// stop ends the recording after writing what is queued: call it after
// p.Close (the stream then ends by itself) or before, in which case it
// waits for the queue to be idle briefly. ctx being done acts as stop.
func RecordHistory(ctx context.Context, p *Engine, s *store.Store) (stop func()) {
	events, unsubscribe := p.Events()
	if path := s.Path(); path != "" {
		// Call recordings go next to the history, unless configured.
		p.setDefaultRecordDir(filepath.Join(filepath.Dir(path), "recordings"))
	}
	r := &recorder{p: p, s: s, base: context.WithoutCancel(ctx), active: map[string]bool{}}
	for _, c := range p.Calls() {
		r.call(c)
	}
	return storeEvents(ctx, events, unsubscribe, r.handle, r.touch)
}

// storeEvents runs handle for each of the phone's events until stop or
// ctx (then it handles what is still queued, briefly): the loop behind
// RecordHistory and RecordMessages. tick, when not nil, runs every
// historyTouchEvery.
func storeEvents(ctx context.Context, events <-chan Event, unsubscribe func(), handle func(Event), tick func()) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		defer unsubscribe()
		var ticks <-chan time.Time
		if tick != nil {
			t := time.NewTicker(historyTouchEvery)
			defer t.Stop()
			ticks = t.C
		}
		for {
			select {
			case e, ok := <-events:
				if !ok {
					return
				}
				handle(e)
			case <-ticks:
				tick()
			case <-ctx.Done():
				drainEvents(events, handle)
				return
			case <-quit:
				drainEvents(events, handle)
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}

// drainEvents handles what is still queued: until the stream ends,
// nothing new came for historyDrainIdle, or historyDrainMax passed.
func drainEvents(events <-chan Event, handle func(Event)) {
	deadline := time.After(historyDrainMax)
	idle := time.NewTimer(historyDrainIdle)
	defer idle.Stop()
	for {
		select {
		case e, ok := <-events:
			if !ok {
				return
			}
			handle(e)
			idle.Reset(historyDrainIdle)
		case <-idle.C:
			return
		case <-deadline:
			return
		}
	}
}

// writeRetrying runs f with a bounded context, retrying a few times
// (another process may hold the database for a moment).
func writeRetrying(base context.Context, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(base, historyWriteTimeout)
	defer cancel()
	var err error
	for attempt := range 3 {
		if err = f(ctx); err == nil || errors.Is(err, context.DeadlineExceeded) {
			break
		}
		select {
		case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
		case <-ctx.Done():
		}
	}
	return err
}

type recorder struct {
	p      *Engine
	s      *store.Store
	base   context.Context
	active map[string]bool
}

func (r *recorder) handle(e Event) {
	switch e := e.(type) {
	case CallEvent:
		r.call(e.Info)
	case CallStatsEvent:
		if !e.Final {
			return
		}
		st := e.Stats
		q := store.Quality{
			Codec: st.Codec, PacketsSent: st.PacketsSent, PacketsReceived: st.PacketsReceived, Lost: st.Lost,
			JitterMS: ms(st.Jitter), RTTMS: ms(st.RTT), RemoteLoss: st.RemoteFractionLost, Concealed: st.Concealed,
		}
		r.write("quality", e.CallID, func(ctx context.Context) error { return r.s.RecordQuality(ctx, e.CallID, q) })
	}
}

func (r *recorder) call(i call.Info) {
	if i.State == call.Ended {
		delete(r.active, i.ID)
	} else {
		r.active[i.ID] = true
	}
	r.write("call", i.ID, func(ctx context.Context) error { return r.s.RecordCall(ctx, i) })
}

func (r *recorder) touch() {
	if len(r.active) == 0 {
		return
	}
	ids := make([]string, 0, len(r.active))
	for id := range r.active {
		ids = append(ids, id)
	}
	now := time.Now()
	r.write("touch", "", func(ctx context.Context) error { return r.s.Touch(ctx, now, ids...) })
}

// write stores one change; a failure is logged, since the call itself
// must go on.
func (r *recorder) write(what, id string, f func(context.Context) error) {
	if err := writeRetrying(r.base, f); err != nil {
		r.p.o.log.Warn("history: write failed", "what", what, "call", id, "error", err)
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
