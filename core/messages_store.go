package core

import (
	"context"
	"strings"

	"github.com/softphone/softphone/core/store"
)

// RecordMessages writes the phone's messages into s as they happen: each
// message when first seen, then the delivery state of sent ones. Like
// RecordHistory it subscribes before returning; stop writes what is
// queued and ends it (call it after p.Close, or before). ctx being done
// acts as stop.
func RecordMessages(ctx context.Context, p *Engine, s *store.Store) (stop func()) {
	events, unsubscribe := p.Events()
	base := context.WithoutCancel(ctx)
	write := func(e Event) {
		me, ok := e.(MessageEvent)
		if !ok {
			return
		}
		m := me.Message
		sm := store.Message{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
			State: m.State, Code: m.Code, Reason: m.Reason, At: m.At}
		if m.Incoming {
			sm.CallID = strings.TrimPrefix(m.Key, "in:") // Call-ID, CSeq and sender: see messageID
		}
		if err := writeRetrying(base, func(ctx context.Context) error { return s.RecordMessage(ctx, sm) }); err != nil {
			p.o.log.Warn("messages: write failed", "key", m.Key, "error", err)
		}
	}
	return storeEvents(ctx, events, unsubscribe, write, nil)
}
