package core

import (
	"context"
	"path/filepath"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/journal"
)

// With a store (WithStore) the engine keeps its journal.Book: history and
// messages written as they happen and reported as JournalEvents, calls
// named after the contact, busy lamps that follow the contacts and
// speed-dial keys, and the record queries and edits (the embedded
// recordsAPI is the book).

// initBook prepares the book of the store given, if any. Called by New
// once the bus exists.
func (p *Engine) initBook() {
	st := p.o.store
	if st == nil {
		p.recordsAPI = journal.None{}
		return
	}
	if path := st.Path(); path != "" {
		// Call recordings go next to the history, unless configured.
		p.setDefaultRecordDir(filepath.Join(filepath.Dir(path), "recordings"))
	}
	p.book = journal.NewBook(st, p.bus.Publish, p.watchExactly, p.o.log)
	p.recordsAPI = p.book
}

// startBook subscribes the journal before Start publishes anything. Called
// by Start (p.mu held: nothing here may take it).
func (p *Engine) startBook() {
	if p.book != nil {
		events, unsubscribe := p.bus.Subscribe()
		p.book.Start(p.life, events, unsubscribe)
	}
}

// stopBook ends the journal once it has written every event published so
// far. Called by Close after the calls have ended and before the bus
// closes, so the history is complete and its last JournalEvents go out.
func (p *Engine) stopBook() {
	if p.book != nil {
		p.book.Stop(p.bus.State().Version)
	}
}

// nameCall gives a new call the name of the contact owning its remote
// number (caller ID), before its first event. Bounded by
// journal.LookupTimeout: a slow store only loses the name.
func (p *Engine) nameCall(m *call.Machine) {
	if p.book == nil {
		return
	}
	if name := p.book.ContactName(p.life, m.Info().Remote.URI); name != "" {
		m.Init(func(i *call.Info) { i.Contact = name })
	}
}

// Watch sets the extensions a front-end asks to watch (the console's
// watch command). With a store, the phone watches them together with the
// contacts marked BLF and the speed-dial keys; the error is the whole
// set's.
func (p *Engine) Watch(ctx context.Context, uris []string) error {
	if p.book == nil {
		return p.watchExactly(ctx, uris)
	}
	return p.book.Watch(ctx, uris)
}
