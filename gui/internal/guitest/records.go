package guitest

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/softphone/softphone/core"
)

// Records is core.Records held in memory, for the screens' tests: the
// history newest first, the contacts in name order, the speed-dial keys
// and the messages as the phone's journal stores them. Its searches are
// simpler than the store's: a contact matches by a part of its name or
// the start of a number (SearchContacts: the start of a word of the
// name).
//
// Like the phone, it counts what the screens list: Journal goes up when a
// call, its recording or a message is recorded (AddCall, SetRecording,
// AddMessage, RecordMessage) and after the edits the phone reports
// (MarkMissedSeen, MarkRead, DeleteCall, ClearHistory). Stamp copies the
// counts into a State, as the phone's JournalEvent does.
type Records struct {
	mu          sync.Mutex // guards everything below
	err         error
	calls       []core.HistoryEntry // newest first
	lastCall    int64
	contacts    []core.Contact // by name
	lastContact int64
	slots       map[int]core.SpeedDial
	msgs        []core.StoredMessage // in the order stored
	lastMsg     int64
	journal     uint64
	contactRead int      // Contacts calls served
	msgReads    int      // Messages calls served
	searches    []string // SearchContacts texts
}

var _ core.Records = (*Records)(nil)

// NewRecords makes empty records.
func NewRecords() *Records { return &Records{slots: map[int]core.SpeedDial{}} }

// SetErr makes every query fail with err (core.ErrNoRecords: a phone
// without a store); nil answers again.
func (r *Records) SetErr(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.err = err
}

// Stamp writes the journal counts into s.
func (r *Records) Stamp(s *core.State) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s.Journal, s.UnseenMissed, s.Unread = r.journal, r.unseenMissed(), r.unread()
}

// Journal is how many times the records changed what the screens list.
func (r *Records) Journal() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.journal
}

// ContactReads is how many Contacts queries were answered.
func (r *Records) ContactReads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.contactRead
}

// MessageReads is how many Messages queries were answered.
func (r *Records) MessageReads() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.msgReads
}

// Searches are the texts SearchContacts was asked, in order.
func (r *Records) Searches() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.searches)
}

// AddCalls records calls given newest first (one journal change); IDs
// are assigned when zero, the newest highest.
func (r *Records) AddCalls(cs ...core.HistoryEntry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := len(cs) - 1; i >= 0; i-- {
		r.addCall(cs[i])
	}
	r.journal++
}

// AddCall records c as the newest call, as the recorder would.
func (r *Records) AddCall(c core.HistoryEntry) { r.AddCalls(c) }

// SetRecording gives the call with callID its recording's path, as the
// journal does once the file is finished.
func (r *Records) SetRecording(callID, path string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range r.calls {
		if r.calls[i].CallID == callID {
			r.calls[i].Recording = path
			r.journal++
			return nil
		}
	}
	return fmt.Errorf("%w: call %s", core.ErrNotFound, callID)
}

// addCall puts c first; with mu held.
func (r *Records) addCall(c core.HistoryEntry) {
	r.lastCall = max(r.lastCall+1, c.ID)
	if c.ID == 0 {
		c.ID = r.lastCall
	}
	r.calls = slices.Insert(r.calls, 0, c)
}

// AddContact saves cs as SaveContact does.
func (r *Records) AddContact(cs ...core.Contact) error {
	for _, c := range cs {
		if err := r.SaveContact(context.Background(), &c); err != nil {
			return err
		}
	}
	return nil
}

// AddMessage stores m, or the new state of the message with its key, as
// the recorder does.
func (r *Records) AddMessage(ms ...core.StoredMessage) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range ms {
		r.putMessage(m)
	}
	r.journal++
}

// RecordMessage stores a message event as the recorder does.
func (r *Records) RecordMessage(m core.Message) {
	r.AddMessage(core.StoredMessage{Key: m.Key, Account: m.Account, Peer: m.Peer, Incoming: m.Incoming, Text: m.Text,
		State: m.State, Code: m.Code, Reason: m.Reason, At: m.At})
}

// putMessage adds m or updates its state; with mu held.
func (r *Records) putMessage(m core.StoredMessage) {
	if m.Key != "" {
		for i := range r.msgs {
			if r.msgs[i].Key == m.Key {
				r.msgs[i].State, r.msgs[i].Code, r.msgs[i].Reason = m.State, m.Code, m.Reason
				return
			}
		}
	}
	r.lastMsg++
	m.ID = r.lastMsg
	r.msgs = append(r.msgs, m)
}

// History implements core.Records.
func (r *Records) History(_ context.Context, q core.HistoryQuery) ([]core.HistoryEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	var out []core.HistoryEntry
	for _, c := range r.calls {
		if (q.Before > 0 && c.ID >= q.Before) || (q.Missed && !c.Missed) {
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		out = append(out, c)
	}
	return out, nil
}

// Recent implements core.Records.
func (r *Records) Recent(ctx context.Context, limit int) ([]core.HistoryEntry, error) {
	return r.History(ctx, core.HistoryQuery{Limit: limit})
}

// CallByCallID implements core.Records.
func (r *Records) CallByCallID(_ context.Context, id string) (core.HistoryEntry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return core.HistoryEntry{}, r.err
	}
	for _, c := range r.calls {
		if c.CallID == id {
			return c, nil
		}
	}
	return core.HistoryEntry{}, fmt.Errorf("%w: call %s", core.ErrNotFound, id)
}

// UnseenMissed implements core.Records.
func (r *Records) UnseenMissed(context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unseenMissed(), r.err
}

// unseenMissed counts; with mu held.
func (r *Records) unseenMissed() int {
	n := 0
	for _, c := range r.calls {
		if c.Missed && !c.Seen {
			n++
		}
	}
	return n
}

// MarkMissedSeen implements core.Records.
func (r *Records) MarkMissedSeen(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	for i := range r.calls {
		r.calls[i].Seen = true
	}
	r.journal++
	return nil
}

// DeleteCall implements core.Records.
func (r *Records) DeleteCall(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	i := slices.IndexFunc(r.calls, func(c core.HistoryEntry) bool { return c.ID == id })
	if i < 0 {
		return fmt.Errorf("%w: call %d", core.ErrNotFound, id)
	}
	r.calls = slices.Delete(r.calls, i, i+1)
	r.journal++
	return nil
}

// ClearHistory implements core.Records.
func (r *Records) ClearHistory(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	r.calls = nil
	r.journal++
	return nil
}

// samePeer reports whether a and b are one conversation (the store
// groups messages by the normalised address).
func samePeer(a, b string) bool {
	return a == b || (a != "" && core.NormalizeNumber(a) == core.NormalizeNumber(b))
}

// Conversations implements core.Records: one per peer, newest first.
func (r *Records) Conversations(context.Context) ([]core.Conversation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	by := map[string]*core.Conversation{}
	var order []string
	for _, m := range r.msgs {
		k := core.NormalizeNumber(m.Peer)
		c := by[k]
		if c == nil {
			c = &core.Conversation{Peer: m.Peer}
			by[k] = c
			order = append(order, k)
		}
		if !m.At.Before(c.Last.At) {
			c.Last, c.Peer = m, m.Peer
		}
		if m.Incoming && !m.Read {
			c.Unread++
		}
	}
	out := make([]core.Conversation, 0, len(order))
	for _, k := range order {
		out = append(out, *by[k])
	}
	slices.SortStableFunc(out, func(a, b core.Conversation) int { return b.Last.At.Compare(a.Last.At) })
	return out, nil
}

// Messages implements core.Records: peer's newest limit messages, newest
// first (where the store gives them oldest first: a screen must not
// care).
func (r *Records) Messages(_ context.Context, peer string, limit int) ([]core.StoredMessage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return nil, r.err
	}
	r.msgReads++
	var out []core.StoredMessage
	for i := len(r.msgs) - 1; i >= 0; i-- {
		if !samePeer(r.msgs[i].Peer, peer) {
			continue
		}
		if limit > 0 && len(out) == limit {
			break
		}
		out = append(out, r.msgs[i])
	}
	return out, nil
}

// MessageByKey implements core.Records.
func (r *Records) MessageByKey(_ context.Context, key string) (core.StoredMessage, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return core.StoredMessage{}, r.err
	}
	for _, m := range r.msgs {
		if m.Key == key {
			return m, nil
		}
	}
	return core.StoredMessage{}, fmt.Errorf("%w: message %s", core.ErrNotFound, key)
}

// MarkRead implements core.Records.
func (r *Records) MarkRead(_ context.Context, peer string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return r.err
	}
	for i := range r.msgs {
		if samePeer(r.msgs[i].Peer, peer) {
			r.msgs[i].Read = true
		}
	}
	r.journal++
	return nil
}

// Unread implements core.Records.
func (r *Records) Unread(context.Context) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.unread(), r.err
}

// unread counts; with mu held.
func (r *Records) unread() int {
	n := 0
	for _, m := range r.msgs {
		if m.Incoming && !m.Read {
			n++
		}
	}
	return n
}

// JournalPhone is a phone whose State carries the journal counts of Rec
// (as the core's JournalEvents set them) and the busy lamps set with
// SetLamps, over the State of the phone it wraps; the rest is that
// phone's. Give the wrapped phone Rec as its records.
type JournalPhone struct {
	core.Phone
	Rec *Records

	mu    sync.Mutex // guards lamps, held and last
	lamps map[string]core.BLFState
	held  bool
	last  core.State // the counts last reported
}

// NewJournalPhone wraps ph, whose records are rec.
func NewJournalPhone(ph core.Phone, rec *Records) *JournalPhone {
	return &JournalPhone{Phone: ph, Rec: rec}
}

// SetLamps sets the busy lamps State reports (nil: those of the wrapped
// phone).
func (p *JournalPhone) SetLamps(lamps map[string]core.BLFState) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lamps = lamps
}

// Late keeps the journal counts State reports as they are, as if the
// phone's JournalEvent were late, until Late(false).
func (p *JournalPhone) Late(on bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.held = on
}

// State is the wrapped phone's, with the journal counts and the lamps.
func (p *JournalPhone) State() core.State {
	s := p.Phone.State()
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held {
		s.Journal, s.UnseenMissed, s.Unread = p.last.Journal, p.last.UnseenMissed, p.last.Unread
	} else {
		p.Rec.Stamp(&s)
		p.last = s
	}
	if p.lamps != nil {
		s.Lamps = p.lamps
	}
	return s
}
