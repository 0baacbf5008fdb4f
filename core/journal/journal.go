// Package journal keeps what the phone remembers: it writes the calls and
// messages of the event stream into the store as they happen, reports each
// write (and the counts the screens badge) as a JournalEvent, and holds
// the policies that read the store for the engine: caller ID and the busy
// lamps to watch.
package journal

import (
	"log/slog"
	"sync"
	"time"

	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
)

// HeartbeatEvery is how often, while calls run, the journal saves that
// they still go: a call cut by a crash or kill -9 is kept with its
// duration short by at most this much.
const HeartbeatEvery = 2 * time.Second

// Tunables.
const (
	writeTimeout = 10 * time.Second // one write, retries included
	drainMax     = 5 * time.Second  // Stop: never wait longer for what is queued
)

// Journal writes the phone's calls and messages into a store, from the
// phone's event stream:
//
//   - each call when it starts, then at every change of state; a
//     recording stays with its call once finished;
//   - each call's final quality figures;
//   - while calls run, every HeartbeatEvery, a mark that they still go, so a
//     call cut by a crash or kill -9 ends within HeartbeatEvery of the truth;
//   - each message when first seen, then the delivery state of sent ones.
//
// After each write it publishes a JournalEvent with the counts of unseen
// missed calls and unread messages.
type Journal struct {
	st      *store.Store
	publish func(state.Event)
	log     *slog.Logger

	// countMu orders reading the counts with publishing them, so a
	// JournalEvent never carries counts older than the one before it.
	countMu sync.Mutex

	// Set by Start; only the loop reads or changes active.
	events      <-chan state.Event
	unsubscribe func()
	active      map[string]string // running calls: id → recording in progress ("" none)
	beat        heartbeat         // ticks while active is not empty
	quit        chan uint64       // Stop's version to reach
	done        chan struct{}
	stopOnce    sync.Once
}

// New prepares a journal writing into st; publish sends its JournalEvents
// (the engine's bus). It reads nothing until Start.
func New(st *store.Store, publish func(state.Event), log *slog.Logger) *Journal {
	if log == nil {
		log = slog.Default()
	}
	return &Journal{st: st, publish: publish, log: log, beat: heartbeat{start: timeTicker, every: HeartbeatEvery}}
}

// Start writes what comes on events (a subscription the caller made
// before anything could be published) until Stop; unsubscribe ends the
// subscription when the journal is done with it.
func (j *Journal) Start(events <-chan state.Event, unsubscribe func()) {
	j.events, j.unsubscribe = events, unsubscribe
	j.active = map[string]string{}
	j.quit, j.done = make(chan uint64, 1), make(chan struct{})
	go j.run()
}

// Stop writes every event published up to version through (the bus's
// version once the calls have ended and their last events are out), then
// ends the journal. It waits at most drainMax for the events themselves,
// and returns at once if the journal was never started.
func (j *Journal) Stop(through uint64) {
	if j.done == nil {
		return
	}
	j.stopOnce.Do(func() { j.quit <- through })
	<-j.done
}

func (j *Journal) run() {
	defer close(j.done)
	defer j.unsubscribe()
	j.Report("", "") // the counts as the store has them, before any change
	var last uint64  // version of the last event handled
	defer j.beat.end()
	for {
		select {
		case e, ok := <-j.events:
			if !ok {
				return
			}
			last = e.Version()
			j.handle(e)
			j.beat.follow(len(j.active))
		case now := <-j.beat.ticks:
			j.touch(now)
		case through := <-j.quit:
			j.drain(last, through)
			return
		}
	}
}

// drain handles the events still queued, up to version through: the bus
// queued them before Stop read its version, so they are all on the way.
func (j *Journal) drain(last, through uint64) {
	deadline := time.NewTimer(drainMax)
	defer deadline.Stop()
	for last < through {
		select {
		case e, ok := <-j.events:
			if !ok {
				return
			}
			last = e.Version()
			j.handle(e)
		case <-deadline.C:
			j.log.Warn("journal: stopped before the last events were written", "written", last, "want", through)
			return
		}
	}
}

func (j *Journal) handle(e state.Event) {
	switch e := e.(type) {
	case state.CallEvent:
		j.call(e.Info)
	case state.CallStatsEvent:
		if e.Final {
			j.quality(e)
		}
	case state.MessageEvent:
		j.message(e.Message)
	}
}
