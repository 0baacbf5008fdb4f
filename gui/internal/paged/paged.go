// Package paged loads a long list from a slow source a page at a time,
// off the frame goroutine, for the screens that scroll through thousands
// of entries (history, contacts): a reload reads the first page again, a
// list nearing its end reads the next, and a read overtaken by a reload
// is dropped.
package paged

import (
	"context"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/op"

	"github.com/softphone/softphone/gui/env"
)

// Result is what one read returns.
type Result[T any] struct {
	Items []T
	// Total is how many items there are in all, read on a reload when
	// Config.Counted; otherwise a short page ends the list.
	Total int
	// Commit, if set, runs with the lock held when the result is taken
	// (not when a reload made it stale); its error is reported.
	Commit func() error
}

// Read is one read of src, run off the frame goroutine.
type Read[S, T any] func(ctx context.Context, src S) (Result[T], error)

// Config says how to read a list.
type Config[S, T any] struct {
	What     string        // names a read in errors ("Load history")
	PageSize int           // items per read
	Prefetch int           // read the next page this many rows before the end
	Timeout  time.Duration // of one read or write of the source
	Counted  bool          // a reload's Result.Total is the list's length
	// First is the read of the first limit items (a reload); Next the
	// read of limit more after loaded, called with the lock held. Both
	// are called on the frame goroutine, so they may read the page's
	// state (a filter, a search) into the read they return.
	First func(limit int) Read[S, T]
	Next  func(loaded []T, limit int) Read[S, T]
}

// Loader holds the loaded items. Its exported fields are guarded by the
// mutex given to New, which a page may share for its own state.
type Loader[S, T any] struct {
	mu  *sync.Mutex
	cfg Config[S, T]

	Src     S
	Items   []T // loaded, in order
	Total   int // with Config.Counted
	Version int // bumps whenever Items changes
	Gen     int // bumps on reload: older reads are dropped
	Loading bool
	done    bool // every item is loaded
	stale   bool // reload from the top at the next frame
}

// New makes a loader guarded by mu; it loads nothing until SetSource.
func New[S, T any](mu *sync.Mutex, cfg Config[S, T]) *Loader[S, T] {
	return &Loader[S, T]{mu: mu, cfg: cfg}
}

// HasSource reports whether a source is set; call with the lock held.
func (l *Loader[S, T]) HasSource() bool { return any(l.Src) != nil }

// SetSource sets where the items are read from and reloads them.
func (l *Loader[S, T]) SetSource(s S) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.Src = s
	l.clear()
}

// Clear drops the loaded items and reloads (a new filter or search).
func (l *Loader[S, T]) Clear() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.clear()
}

func (l *Loader[S, T]) clear() {
	l.Items, l.done, l.stale = nil, false, true
	l.Gen++
	l.Version++
}

// Refresh reloads at the next frame, keeping what is shown meanwhile.
func (l *Loader[S, T]) Refresh() {
	l.mu.Lock()
	l.stale = true
	l.mu.Unlock()
}

// Len is how many items are loaded.
func (l *Loader[S, T]) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.Items)
}

// Source is the source, the zero S if none.
func (l *Loader[S, T]) Source() S {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.Src
}

// Update reloads if asked to; it reports whether there is a source and
// no reload was started, so the page may call More.
func (l *Loader[S, T]) Update(e *env.Env) bool {
	l.mu.Lock()
	has, stale := l.HasSource(), l.stale
	l.mu.Unlock()
	if has && stale {
		l.reload(e)
	}
	return has && !stale
}

// More reads the next page when the list at pos shows one of its last
// Prefetch rows (rows in all, headings included).
func (l *Loader[S, T]) More(e *env.Env, pos layout.Position, rows int) {
	if pos.First+pos.Count+l.cfg.Prefetch >= rows {
		l.loadMore(e)
	}
}

// reload reads the first page again (as many items as are loaded, so
// the list keeps its place).
func (l *Loader[S, T]) reload(e *env.Env) {
	l.mu.Lock()
	l.stale, l.Loading = false, true
	l.Gen++
	limit := max(l.cfg.PageSize, len(l.Items))
	gen, src := l.Gen, l.Src
	l.mu.Unlock()
	l.run(e, gen, src, l.cfg.First(limit), func(r Result[T]) {
		l.Items, l.Total = r.Items, r.Total
		if l.cfg.Counted {
			l.done = len(r.Items) >= r.Total
		} else {
			l.done = len(r.Items) < limit
		}
	})
}

// loadMore reads the next page, if any and if no read is running.
func (l *Loader[S, T]) loadMore(e *env.Env) {
	l.mu.Lock()
	if l.Loading || l.done || !l.HasSource() {
		l.mu.Unlock()
		return
	}
	l.Loading = true
	gen, src, read := l.Gen, l.Src, l.cfg.Next(l.Items, l.cfg.PageSize)
	l.mu.Unlock()
	l.run(e, gen, src, read, func(r Result[T]) {
		l.Items = append(l.Items, r.Items...)
		l.done = len(r.Items) < l.cfg.PageSize || l.cfg.Counted && len(l.Items) >= l.Total
	})
}

// run runs read of src off the frame goroutine and, unless a reload
// came since generation gen, takes its result with take (the lock held).
func (l *Loader[S, T]) run(e *env.Env, gen int, src S, read Read[S, T], take func(Result[T])) {
	e.Run(l.cfg.What, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
		defer cancel()
		r, err := read(ctx, src)
		l.mu.Lock()
		defer l.mu.Unlock()
		if gen != l.Gen {
			return nil
		}
		l.Loading = false
		if err != nil {
			return err
		}
		take(r)
		l.Version++
		if r.Commit != nil {
			return r.Commit()
		}
		return nil
	})
}

// Do runs f against the source off the frame goroutine with the read
// deadline; without a source it does nothing.
func (l *Loader[S, T]) Do(e *env.Env, what string, f func(ctx context.Context, src S) error) {
	l.mu.Lock()
	src, has := l.Src, l.HasSource()
	l.mu.Unlock()
	if !has {
		return
	}
	e.Run(what, func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
		defer cancel()
		return f(ctx, src)
	})
}

// InvalidateIfStale asks for another frame when this one asked for a
// reload (a filter, a search, a button): no input may come to cause it.
func (l *Loader[S, T]) InvalidateIfStale(gtx layout.Context) {
	l.mu.Lock()
	stale := l.stale
	l.mu.Unlock()
	if stale {
		gtx.Execute(op.InvalidateCmd{})
	}
}
