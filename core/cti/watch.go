package cti

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

// Watch turns the call events read from events into screen-pops, hooks
// and webhooks (see the package comment), until events is closed or ctx
// ends. Then it gives pending webhook deliveries and running hooks
// Options.Drain to finish, cancels what is left and returns once all
// it started has stopped.
func Watch(ctx context.Context, events <-chan state.Event, o Options) {
	w := newWatcher(o)
	defer w.close()
	if o.started != nil {
		o.started(w)
	}
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-events:
			if !ok {
				return
			}
			if ce, ok := ev.(state.CallEvent); ok {
				w.call(ce.Info)
			}
		}
	}
}

// watcher is Watch's state; only Watch's goroutine touches calls and
// ended.
type watcher struct {
	o   Options
	log *slog.Logger
	// run is the context of everything started; cancelled once the
	// drain is over (not with Watch's ctx: pending work gets its grace).
	run  context.Context
	stop context.CancelFunc

	calls      map[string]*seen
	ended      map[string]bool
	endedOrder []string // ring of maxEnded ids, oldest at endedNext
	endedNext  int

	jobs   sync.WaitGroup // hooks and screen-pops
	hooks  chan struct{}  // slots of running hooks
	popups chan struct{}  // slots of opening screen-pops
	posts  *poster
}

// seen is what Watch remembers of a live call.
type seen struct{ answered bool }

func newWatcher(o Options) *watcher {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Drain <= 0 {
		o.Drain = DefaultDrain
	}
	run, stop := context.WithCancel(context.Background())
	w := &watcher{
		o: o, log: o.Log, run: run, stop: stop,
		calls: map[string]*seen{}, ended: map[string]bool{},
		hooks: make(chan struct{}, MaxHooks), popups: make(chan struct{}, MaxPopups),
	}
	w.posts = newPoster(run, o)
	return w
}

// close waits up to Drain for what is pending, then cancels the rest and
// waits for it to stop (a killed hook, an aborted request: promptly).
func (w *watcher) close() {
	idle := make(chan struct{})
	go func() {
		w.jobs.Wait()
		w.posts.wait()
		close(idle)
	}()
	t := time.NewTimer(w.o.Drain)
	select {
	case <-idle:
	case <-t.C:
	}
	t.Stop()
	w.stop()
	<-idle
	w.posts.report(true)
}

// call fires the triggers a call's new state brings.
func (w *watcher) call(i call.Info) {
	if w.ended[i.ID] {
		return
	}
	var fire []Trigger
	s, known := w.calls[i.ID]
	if !known {
		s = &seen{}
		w.calls[i.ID] = s
		switch {
		case i.Direction == call.Inbound && i.State == call.Incoming:
			fire = append(fire, Ring)
		case i.Direction == call.Outgoing:
			fire = append(fire, Dial)
		}
	}
	if !s.answered && i.Established() {
		s.answered = true
		fire = append(fire, Answer)
	}
	if i.State == call.Ended {
		fire = append(fire, Hangup)
		if i.Missed() {
			fire = append(fire, Missed)
		}
		delete(w.calls, i.ID)
		w.remember(i.ID)
	}
	if len(fire) == 0 {
		return
	}
	var cfg config.Config
	if w.o.Config != nil {
		cfg = w.o.Config()
	}
	c := cfg.CTIFor(i.Account)
	v := VarsOf(i, c.CountryCode)
	at := time.Now()
	for _, t := range fire {
		if i.Direction == call.Inbound && c.PopupURL != "" && string(t) == c.PopupTrigger() {
			w.popup(c.PopupURL, v)
		}
		if argv := hookFor(c, t); len(argv) > 0 {
			w.hook(t, argv, c.HookDeadline(), v)
		}
		if c.WebhookURL != "" {
			w.posts.add(t, at, i, v, c.WebhookURL, c.WebhookSecret)
		}
	}
}

// remember keeps an ended call's id, so a late event for it fires
// nothing; the oldest of maxEnded is forgotten.
func (w *watcher) remember(id string) {
	if len(w.endedOrder) < maxEnded {
		w.endedOrder = append(w.endedOrder, id)
	} else {
		delete(w.ended, w.endedOrder[w.endedNext])
		w.endedOrder[w.endedNext] = id
		w.endedNext = (w.endedNext + 1) % maxEnded
	}
	w.ended[id] = true
}

func hookFor(c config.CTI, t Trigger) []string {
	switch t {
	case Ring:
		return c.OnRing
	case Answer:
		return c.OnAnswer
	case Hangup:
		return c.OnHangup
	case Missed:
		return c.OnMissed
	}
	return nil
}
