package core

import (
	"context"
)

// The record edits that change what the engine derives from the store
// go through the engine: after the store, the counts are published
// (JournalEvent) or the busy lamps follow the contacts and keys. They
// take precedence over the embedded store's methods.

// MarkMissedSeen marks every missed call seen.
func (p *Engine) MarkMissedSeen(ctx context.Context) error {
	return p.reported(p.recordsAPI.MarkMissedSeen(ctx))
}

// MarkRead marks the conversation with peer read.
func (p *Engine) MarkRead(ctx context.Context, peer string) error {
	return p.reported(p.recordsAPI.MarkRead(ctx, peer))
}

// DeleteCall removes one history entry.
func (p *Engine) DeleteCall(ctx context.Context, id int64) error {
	return p.reported(p.recordsAPI.DeleteCall(ctx, id))
}

// ClearHistory removes every history entry.
func (p *Engine) ClearHistory(ctx context.Context) error {
	return p.reported(p.recordsAPI.ClearHistory(ctx))
}

// SaveContact adds or replaces a contact (c.ID is set on return).
func (p *Engine) SaveContact(ctx context.Context, c *Contact) error {
	return p.rewatched(ctx, p.recordsAPI.SaveContact(ctx, c))
}

// DeleteContact removes a contact.
func (p *Engine) DeleteContact(ctx context.Context, id int64) error {
	return p.rewatched(ctx, p.recordsAPI.DeleteContact(ctx, id))
}

// SetSpeedDial fills (or replaces) a speed-dial slot.
func (p *Engine) SetSpeedDial(ctx context.Context, d SpeedDial) error {
	return p.rewatched(ctx, p.recordsAPI.SetSpeedDial(ctx, d))
}

// ClearSpeedDial empties a speed-dial slot.
func (p *Engine) ClearSpeedDial(ctx context.Context, slot int) error {
	return p.rewatched(ctx, p.recordsAPI.ClearSpeedDial(ctx, slot))
}

// reported publishes the journal's counts after a successful edit.
func (p *Engine) reported(err error) error {
	if err == nil && p.jr.j != nil {
		p.jr.j.Report("", "")
	}
	return err
}

// rewatched applies the watch list again after a successful edit of the
// contacts or keys. The edit is done whatever the lamps do: their failure
// is logged, not returned.
func (p *Engine) rewatched(ctx context.Context, err error) error {
	if err == nil && p.jr.watch != nil {
		if werr := p.jr.watch.Refresh(ctx); werr != nil {
			p.o.log.Warn("busy lamps: watch list not applied", "error", werr)
		}
	}
	return err
}
