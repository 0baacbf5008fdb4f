package messages

import (
	"fmt"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// sender is a phone whose messaging behaves like the real one: each
// message sent gets its own key and state "sending", and, if record, the
// journal stores it at once and again when Deliver settles it (as the
// phone's journal stores its message events).
type sender struct {
	*guitest.Phone
	rec    *guitest.Records
	record bool
	now    time.Time // stamps the messages

	mu   sync.Mutex // guards n and sent
	n    int
	sent map[string]core.Message
}

func newSender(rec *guitest.Records, record bool, now time.Time) *sender {
	ph := guitest.NewPhone()
	ph.Records = rec
	return &sender{Phone: ph, rec: rec, record: record, now: now, sent: map[string]core.Message{}}
}

// SendMessage records the command; unless it fails it returns the message
// being sent, and stores it.
func (s *sender) SendMessage(account, to, text string) (core.Message, error) {
	if _, err := s.Phone.SendMessage(account, to, text); err != nil {
		return core.Message{}, err
	}
	s.mu.Lock()
	s.n++
	m := core.Message{Key: fmt.Sprintf("sent-%d", s.n), Account: account, Peer: to, Text: text, State: "sending",
		At: s.now.Add(time.Duration(s.n) * time.Millisecond)}
	s.sent[m.Key] = m
	s.mu.Unlock()
	s.store(m)
	return m, nil
}

// Deliver settles a sent message: "delivered", or "failed" with the code
// and reason of the final response.
func (s *sender) Deliver(key, state string, code int, reason string) {
	s.mu.Lock()
	m, ok := s.sent[key]
	m.State, m.Code, m.Reason = state, code, reason
	s.sent[key] = m
	s.mu.Unlock()
	if ok {
		s.store(m)
	}
}

// Receive is a message received from peer.
func (s *sender) Receive(key, peer, text string, at time.Time) core.Message {
	m := core.Message{Key: key, Peer: peer, Incoming: true, Text: text, State: "received", At: at}
	s.store(m)
	return m
}

func (s *sender) store(m core.Message) {
	if s.record {
		s.rec.RecordMessage(m)
	}
}
