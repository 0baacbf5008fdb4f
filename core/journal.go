package core

import (
	"context"
	"path/filepath"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/core/store"
)

// With a store (WithStore) the engine keeps its journal itself: history
// and messages are written as they happen, each write is reported as a
// JournalEvent with the counts the screens badge, calls carry the
// contact's name, and the busy lamps follow the contacts and speed-dial
// keys marked in the store.

// journalState is the engine's journal; its zero value is "no store".
type journalState struct {
	store *store.Store
	j     *journal.Journal
	watch *journal.Watchlist
	// Set by startJournal, used by stopJournal: the watch list's loop.
	stopWatch func()
	watchDone chan struct{}
}

// initJournal prepares the journal of the store given, if any. Called by
// New once the bus exists.
func (p *Engine) initJournal() {
	st := p.o.store
	if st == nil {
		return
	}
	if path := st.Path(); path != "" {
		// Call recordings go next to the history, unless configured.
		p.setDefaultRecordDir(filepath.Join(filepath.Dir(path), "recordings"))
	}
	p.jr = journalState{
		store: st,
		j:     journal.New(st, p.bus.Publish, p.o.log),
		watch: journal.NewWatchlist(st, p.watchExactly, p.o.log),
	}
}

// startJournal subscribes the journal before Start publishes anything
// and starts keeping the busy lamps in line with the store. Called by
// Start (p.mu held: nothing here may take it).
func (p *Engine) startJournal() {
	if p.jr.j == nil {
		return
	}
	events, unsubscribe := p.bus.Subscribe()
	p.jr.j.Start(events, unsubscribe)
	ctx, cancel := context.WithCancel(p.life)
	done := make(chan struct{})
	p.jr.stopWatch, p.jr.watchDone = cancel, done
	go func() {
		defer close(done)
		p.jr.watch.Run(ctx)
	}()
}

// stopJournal ends the journal once it has written every event published
// so far. Called by Close after the calls have ended and before the bus
// closes, so the history is complete and its last JournalEvents go out.
func (p *Engine) stopJournal() {
	if p.jr.stopWatch == nil {
		return
	}
	p.jr.stopWatch()
	<-p.jr.watchDone
	p.jr.j.Stop(p.bus.State().Version)
}

// nameCall gives a new call the name of the contact owning its remote
// number (caller ID), before its first event. Bounded by
// journal.LookupTimeout: a slow store only loses the name.
func (p *Engine) nameCall(m *call.Machine) {
	if p.jr.store == nil {
		return
	}
	if name := journal.ContactName(p.life, p.jr.store, m.Info().Remote.URI); name != "" {
		m.Init(func(i *call.Info) { i.Contact = name })
	}
}

// Watch sets the extensions a front-end asks to watch (the console's
// watch command). With a store, the phone watches them together with the
// contacts marked BLF and the speed-dial keys; the error is the whole
// set's.
func (p *Engine) Watch(ctx context.Context, uris []string) error {
	if p.jr.watch == nil {
		return p.watchExactly(ctx, uris)
	}
	return p.jr.watch.SetExplicit(ctx, uris)
}
