package messages

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
)

// The phone's message events show at once; the store catches up when the
// recorder has written them, and the page then forgets its own copy.

// note keeps m until the store returns it (in the state it now has).
func (p *Page) note(m core.Message) {
	if m.Key == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if old, ok := p.live[m.Key]; ok && final(old.State) && !final(m.State) {
		return // a late "sending" after the delivery report
	}
	p.live[m.Key] = m
}

// final reports whether a message state is a last one.
func final(state string) bool { return state != "sending" }

// pending is a copy of the live messages.
func (p *Page) pending() map[string]core.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.live)
}

// waitRecorded waits (bounded) until the store holds the messages of want,
// each in the state it has there, and returns the key and state of those
// it holds: the recorder writes off the frame goroutine, as the window
// does, and may not have written them yet.
func (p *Page) waitRecorded(ctx context.Context, src Source, want map[string]core.Message) map[string]string {
	stored := map[string]string{}
	if len(want) == 0 {
		return stored
	}
	ctx, cancel := context.WithTimeout(ctx, p.syncWait)
	defer cancel()
	tick := time.NewTicker(syncPoll)
	defer tick.Stop()
	for {
		for k, m := range want {
			s, err := src.MessageByKey(ctx, k)
			if err == nil && s.State == m.State {
				stored[k] = s.State
				delete(want, k)
			}
		}
		if len(want) == 0 {
			return stored
		}
		select {
		case <-ctx.Done():
			return stored
		case <-tick.C:
		}
	}
}

// dropStored forgets the live messages the store holds in the same state;
// with mu held.
func (p *Page) dropStored(stored map[string]string) {
	for k, state := range stored {
		if m, ok := p.live[k]; ok && m.State == state {
			delete(p.live, k)
			delete(p.seen, k)
		}
	}
}

// liveConversations sums up the live messages by peer; with mu held.
func (p *Page) liveConversations() []store.Conversation {
	by := map[string]*store.Conversation{}
	for k, m := range p.live {
		c := by[store.Normalize(m.Peer)]
		if c == nil {
			c = &store.Conversation{Peer: m.Peer}
			by[store.Normalize(m.Peer)] = c
		}
		if m.At.After(c.Last.At) || c.Last.Key == "" {
			c.Last = fromCore(m)
		}
		if m.Incoming && !p.seen[k] {
			c.Unread++
		}
	}
	out := make([]store.Conversation, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	return out
}

// merge adds the live conversations to the stored ones, newest first.
func merge(stored, live []store.Conversation) []store.Conversation {
	if len(live) == 0 {
		return stored
	}
	out := slices.Clone(stored)
	for _, l := range live {
		i := slices.IndexFunc(out, func(c store.Conversation) bool { return samePeer(c.Peer, l.Peer) })
		if i < 0 {
			out = append(out, l)
			continue
		}
		c := &out[i]
		if l.Last.Key == c.Last.Key || l.Last.At.After(c.Last.At) {
			c.Last = l.Last
		}
		c.Unread += l.Unread
	}
	slices.SortStableFunc(out, func(a, b store.Conversation) int { return b.Last.At.Compare(a.Last.At) })
	return out
}

// threadItems is the open thread: the stored messages, the live ones in
// their newer state, oldest first; with mu held.
func (p *Page) threadItems(peer string) []store.Message {
	out := slices.Clone(p.thread.Items)
	added := false
	for _, m := range p.live {
		if !samePeer(m.Peer, peer) {
			continue
		}
		if i := slices.IndexFunc(out, func(s store.Message) bool { return s.Key == m.Key }); i >= 0 {
			id := out[i].ID
			out[i] = fromCore(m)
			out[i].ID = id
			continue
		}
		out = append(out, fromCore(m))
		added = true
	}
	if added {
		slices.SortStableFunc(out, func(a, b store.Message) int { return a.At.Compare(b.At) })
	}
	return out
}

// fromCore is an event's message as the store would hold it.
func fromCore(m core.Message) store.Message {
	return store.Message{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
		State: m.State, Code: m.Code, Reason: m.Reason, At: m.At}
}
