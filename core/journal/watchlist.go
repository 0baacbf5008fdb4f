package journal

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// Watchlist tunables.
const (
	RecheckEvery = time.Minute      // another process may edit the contacts or keys
	readTimeout  = 10 * time.Second // one read of the store, with the apply after it
)

// Watchlist keeps the phone watching the busy lamps the store asks for
// (WatchSet) together with the set a front-end gave explicitly: at
// start, after each edit of the contacts or keys (Refresh), and every
// RecheckEvery.
type Watchlist struct {
	src   WatchSource
	apply func(ctx context.Context, uris []string) error // replaces the watched set
	log   *slog.Logger

	// mu makes read, merge and apply one step, so the set applied last is
	// built from the latest reads. It guards the fields below.
	mu       sync.Mutex
	explicit []string // as the front-end gave it, trimmed
	stored   []string // WatchSet of the last good read
	applied  []string // last set given to apply
	sent     bool     // apply has been called
}

// NewWatchlist watches through apply (the engine's watch, which replaces
// its set) what src and the explicit set ask for.
func NewWatchlist(src WatchSource, apply func(ctx context.Context, uris []string) error, log *slog.Logger) *Watchlist {
	if log == nil {
		log = slog.Default()
	}
	return &Watchlist{src: src, apply: apply, log: log}
}

// SetExplicit takes a front-end's set (it replaces the previous explicit
// one) and applies it with the stored set; the error is apply's.
func (w *Watchlist) SetExplicit(ctx context.Context, uris []string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.explicit = w.explicit[:0:0]
	for _, u := range uris {
		if u = strings.TrimSpace(u); u != "" {
			w.explicit = append(w.explicit, u)
		}
	}
	set := w.union()
	w.applied, w.sent = set, true
	return w.apply(ctx, set)
}

// Refresh reads the store again and applies the whole set if it changed.
// On a failed read the previous stored set stays.
func (w *Watchlist) Refresh(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	stored, err := ReadWatchSet(ctx, w.src)
	if err != nil {
		return err
	}
	w.stored = stored
	set := w.union()
	if w.sent && slices.Equal(set, w.applied) {
		return nil
	}
	// Remembered even if apply fails: the same set would fail again, and
	// the error is logged once rather than every minute.
	w.applied, w.sent = set, true
	return w.apply(ctx, set)
}

// Watched is the set last applied.
func (w *Watchlist) Watched() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.applied)
}

// Run refreshes now and every RecheckEvery until ctx is done, logging
// what fails.
func (w *Watchlist) Run(ctx context.Context) {
	t := time.NewTicker(RecheckEvery)
	defer t.Stop()
	for {
		w.refreshLogged(ctx)
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}

func (w *Watchlist) refreshLogged(life context.Context) {
	ctx, cancel := context.WithTimeout(life, readTimeout)
	defer cancel()
	if err := w.Refresh(ctx); err != nil && life.Err() == nil { // not the phone closing
		w.log.Warn("busy lamps: watch list not applied", "error", err)
	}
}

// union is the explicit and stored sets together, sorted, each once.
// w.mu held.
func (w *Watchlist) union() []string {
	set := slices.Concat(w.explicit, w.stored)
	slices.Sort(set)
	return slices.Compact(set)
}
