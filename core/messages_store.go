package core

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/core/store"
)

// RecordMessages writes the phone's messages into s as they happen: each
// message when first seen, then the delivery state of sent ones. Like
// RecordHistory it subscribes before returning; stop writes what is
// queued and ends it (call it after p.Close, or before). ctx being done
// acts as stop.
func RecordMessages(ctx context.Context, p *Phone, s *store.Store) (stop func()) {
	events, unsubscribe := p.Events()
	base := context.WithoutCancel(ctx)
	quit, done := make(chan struct{}), make(chan struct{})
	write := func(e Event) {
		me, ok := e.(MessageEvent)
		if !ok {
			return
		}
		m := me.Message
		sm := store.Message{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
			State: m.State, Code: m.Code, Reason: m.Reason, At: m.At}
		if m.Incoming {
			sm.CallID = strings.TrimPrefix(m.Key, "in:")
		}
		wctx, cancel := context.WithTimeout(base, historyWriteTimeout)
		defer cancel()
		var err error
		for attempt := range 3 {
			if err = s.RecordMessage(wctx, sm); err == nil {
				return
			}
			select {
			case <-time.After(time.Duration(attempt+1) * 100 * time.Millisecond):
			case <-wctx.Done():
			}
		}
		p.o.log.Warn("messages: write failed", "key", m.Key, "error", err)
	}
	go func() {
		defer close(done)
		defer unsubscribe()
		drain := func() {
			deadline := time.After(historyDrainMax)
			idle := time.NewTimer(historyDrainIdle)
			defer idle.Stop()
			for {
				select {
				case e, ok := <-events:
					if !ok {
						return
					}
					write(e)
					idle.Reset(historyDrainIdle)
				case <-idle.C:
					return
				case <-deadline:
					return
				}
			}
		}
		for {
			select {
			case e, ok := <-events:
				if !ok {
					return
				}
				write(e)
			case <-ctx.Done():
				drain()
				return
			case <-quit:
				drain()
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
