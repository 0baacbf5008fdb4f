package journal

import (
	"context"
	"log/slog"

	"github.com/softphone/softphone/core/state"
	"github.com/softphone/softphone/core/store"
)

// Book is everything the phone keeps in its store, run by the engine:
// the journal writing calls and messages, the busy-lamp watch list, caller
// ID, and the record queries and edits front-ends reach through the
// phone. The edits that change what the phone derives from the store
// report it: the counts as a JournalEvent, the contacts and speed-dial keys
// as a new watch list.
type Book struct {
	*store.Store // the queries pass through
	j            *Journal
	watch        *Watchlist
	log          *slog.Logger

	// Set by Start, used by Stop: the watch list's loop.
	stopWatch context.CancelFunc
	watchDone chan struct{}
}

// NewBook keeps the phone's records in st; publish is the phone's bus,
// watch applies a whole watched set.
func NewBook(st *store.Store, publish func(state.Event), watch func(ctx context.Context, uris []string) error, log *slog.Logger) *Book {
	if log == nil {
		log = slog.Default()
	}
	return &Book{Store: st, j: New(st, publish, log), watch: NewWatchlist(st, watch, log), log: log}
}

var _ Records = (*Book)(nil)

// Start writes the events from now on and keeps the busy lamps in line
// with the store until life ends or Stop.
func (b *Book) Start(life context.Context, events <-chan state.Event, unsubscribe func()) {
	b.j.Start(events, unsubscribe)
	ctx, cancel := context.WithCancel(life)
	b.stopWatch, b.watchDone = cancel, make(chan struct{})
	go func() {
		defer close(b.watchDone)
		b.watch.Run(ctx)
	}()
}

// Stop ends the watch list's loop and the journal once it has written
// every event up to version through.
func (b *Book) Stop(through uint64) {
	if b.stopWatch == nil {
		return
	}
	b.stopWatch()
	<-b.watchDone
	b.j.Stop(through)
}

// ContactName is caller ID for a call's remote address (see ContactName).
func (b *Book) ContactName(ctx context.Context, remote string) string {
	return ContactName(ctx, b.Store, remote)
}

// Watch sets the extensions a front-end asks to watch; the phone watches
// them with the contacts marked BLF and the speed-dial keys.
func (b *Book) Watch(ctx context.Context, uris []string) error { return b.watch.SetExplicit(ctx, uris) }

// MarkMissedSeen marks every missed call seen.
func (b *Book) MarkMissedSeen(ctx context.Context) error {
	return b.reported(b.Store.MarkMissedSeen(ctx))
}

// MarkRead marks the conversation with peer read.
func (b *Book) MarkRead(ctx context.Context, peer string) error {
	return b.reported(b.Store.MarkRead(ctx, peer))
}

// DeleteCall removes one history entry.
func (b *Book) DeleteCall(ctx context.Context, id int64) error {
	return b.reported(b.Store.DeleteCall(ctx, id))
}

// ClearHistory removes every history entry.
func (b *Book) ClearHistory(ctx context.Context) error { return b.reported(b.Store.ClearHistory(ctx)) }

// SaveContact adds or replaces a contact (c.ID is set on return).
func (b *Book) SaveContact(ctx context.Context, c *store.Contact) error {
	return b.rewatched(ctx, b.Store.SaveContact(ctx, c))
}

// DeleteContact removes a contact.
func (b *Book) DeleteContact(ctx context.Context, id int64) error {
	return b.rewatched(ctx, b.Store.DeleteContact(ctx, id))
}

// SetSpeedDial fills (or replaces) a speed-dial slot.
func (b *Book) SetSpeedDial(ctx context.Context, d store.SpeedDial) error {
	return b.rewatched(ctx, b.Store.SetSpeedDial(ctx, d))
}

// ClearSpeedDial empties a speed-dial slot.
func (b *Book) ClearSpeedDial(ctx context.Context, slot int) error {
	return b.rewatched(ctx, b.Store.ClearSpeedDial(ctx, slot))
}

// reported publishes the counts after a successful edit.
func (b *Book) reported(err error) error {
	if err == nil {
		b.j.Report("", "")
	}
	return err
}

// rewatched applies the watch list again after a successful edit of the
// contacts or keys. The edit is done whatever the lamps do: their failure
// is logged, not returned.
func (b *Book) rewatched(ctx context.Context, err error) error {
	if err == nil {
		if werr := b.watch.Refresh(ctx); werr != nil {
			b.log.Warn("busy lamps: watch list not applied", "error", werr)
		}
	}
	return err
}
