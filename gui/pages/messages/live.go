package messages

import (
	"context"
	"maps"
	"slices"

	"github.com/softphone/softphone/core"
)

// A message sent here shows at once; the phone stores it as it goes out,
// its journal moves, and the reload that follows finds it stored: the
// page then forgets its own copy, and the records say how it went.

// note keeps m, just sent, until the records hold it.
func (p *Page) note(m core.Message) {
	if m.Key == "" {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.live[m.Key] = m
}

// pending is a copy of the messages sent here and not seen stored yet.
func (p *Page) pending() map[string]core.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.live)
}

// storedOf is the keys of sent the records hold (one read each: a reload
// comes after the journal moved, so no waiting).
func storedOf(ctx context.Context, src core.Records, sent map[string]core.Message) []string {
	var stored []string
	for k := range sent {
		if _, err := src.MessageByKey(ctx, k); err == nil {
			stored = append(stored, k)
		}
	}
	return stored
}

// dropStored forgets the messages the records hold; with mu held.
func (p *Page) dropStored(keys []string) {
	for _, k := range keys {
		delete(p.live, k)
	}
}

// liveConversations sums up the messages sent here by peer; with mu held.
func (p *Page) liveConversations() []core.Conversation {
	by := map[string]*core.Conversation{}
	for _, m := range p.live {
		c := by[core.NormalizeNumber(m.Peer)]
		if c == nil {
			c = &core.Conversation{Peer: m.Peer}
			by[core.NormalizeNumber(m.Peer)] = c
		}
		if m.At.After(c.Last.At) || c.Last.Key == "" {
			c.Last = fromCore(m)
		}
	}
	out := make([]core.Conversation, 0, len(by))
	for _, c := range by {
		out = append(out, *c)
	}
	return out
}

// merge adds the live conversations to the stored ones, newest first; a
// stored message wins over the copy kept here.
func merge(stored, live []core.Conversation) []core.Conversation {
	if len(live) == 0 {
		return stored
	}
	out := slices.Clone(stored)
	for _, l := range live {
		i := slices.IndexFunc(out, func(c core.Conversation) bool { return samePeer(c.Peer, l.Peer) })
		if i < 0 {
			out = append(out, l)
			continue
		}
		if c := &out[i]; l.Last.Key != c.Last.Key && l.Last.At.After(c.Last.At) {
			c.Last = l.Last
		}
	}
	slices.SortStableFunc(out, func(a, b core.Conversation) int { return b.Last.At.Compare(a.Last.At) })
	return out
}

// threadItems is the open thread: the stored messages and those sent
// here not stored yet, oldest first; with mu held.
func (p *Page) threadItems(peer string) []core.StoredMessage {
	out := slices.Clone(p.thread.Items)
	added := false
	for _, m := range p.live {
		if !samePeer(m.Peer, peer) || slices.ContainsFunc(out, func(s core.StoredMessage) bool { return s.Key == m.Key }) {
			continue
		}
		out = append(out, fromCore(m))
		added = true
	}
	if added {
		slices.SortStableFunc(out, func(a, b core.StoredMessage) int { return a.At.Compare(b.At) })
	}
	return out
}

// fromCore is a sent message as the records would hold it.
func fromCore(m core.Message) core.StoredMessage {
	return core.StoredMessage{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
		State: m.State, Code: m.Code, Reason: m.Reason, At: m.At}
}
