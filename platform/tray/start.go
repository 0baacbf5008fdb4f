//go:build (linux && !android) || windows

package tray

import (
	"context"
	"errors"
	"sync/atomic"

	"github.com/softphone/softphone/core"
)

// started guards the one tray a process may have: the system's tray
// library keeps its icon and menu in package state.
var started atomic.Bool

// Start puts p in the system tray until ctx ends or stop is called. An
// error means no tray here (no session bus, or a tray already started);
// the window goes on without one. Where the desktop has no tray host yet,
// Start logs it once and the icon appears when one starts.
func Start(ctx context.Context, p core.Phone, opts ...Option) (stop func(), err error) {
	o := newOptions(opts)
	h, err := openHost()
	if err != nil {
		return nil, err
	}
	if !started.CompareAndSwap(false, true) {
		h.close()
		return nil, errors.New("tray: already started in this process")
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		ok := h.wait(ctx, o.log)
		h.close()
		if !ok {
			return
		}
		s := newSystray(ViewOf(p.State()), o.log)
		defer s.Close()
		run(ctx, p, s, o)
	}()
	return func() { cancel(); <-done }, nil
}
