package guitest

import (
	"fmt"
	"sync"
	"time"

	"github.com/softphone/softphone/core"
)

// MessagePhone is a Phone whose SendMessage behaves like the real one:
// each message gets its own key and state "sending", and is reported to
// Events (as the phone's MessageEvents are) at once and again when
// Deliver settles it.
type MessagePhone struct {
	*Phone
	// Events, if set, gets every message event (a test forwards them to
	// the page and to a store, as the window and the recorder do).
	Events func(core.MessageEvent)
	// Now stamps the messages (zero: time.Now).
	Now time.Time

	mu   sync.Mutex
	n    int
	sent map[string]core.Message
}

// NewMessagePhone wraps a new fake Phone.
func NewMessagePhone() *MessagePhone {
	return &MessagePhone{Phone: NewPhone(), sent: map[string]core.Message{}}
}

// SendMessage records the command; unless it fails it returns the message
// being sent and reports it.
func (p *MessagePhone) SendMessage(account, to, text string) (core.Message, error) {
	if _, err := p.Phone.SendMessage(account, to, text); err != nil {
		return core.Message{}, err
	}
	p.mu.Lock()
	p.n++
	at := p.Now
	if at.IsZero() {
		at = time.Now()
	}
	m := core.Message{Key: fmt.Sprintf("sent-%d", p.n), Account: account, Peer: to, Text: text, State: "sending",
		At: at.Add(time.Duration(p.n) * time.Millisecond)}
	p.sent[m.Key] = m
	p.mu.Unlock()
	p.emit(m)
	return m, nil
}

// Sent is the message sent with key.
func (p *MessagePhone) Sent(key string) core.Message {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.sent[key]
}

// Deliver settles a sent message: "delivered", or "failed" with the code
// and reason of the final response.
func (p *MessagePhone) Deliver(key, state string, code int, reason string) {
	p.mu.Lock()
	m, ok := p.sent[key]
	m.State, m.Code, m.Reason = state, code, reason
	p.sent[key] = m
	p.mu.Unlock()
	if ok {
		p.emit(m)
	}
}

// Receive reports a message received from peer.
func (p *MessagePhone) Receive(key, peer, text string, at time.Time) core.Message {
	m := core.Message{Key: key, Peer: peer, Incoming: true, Text: text, State: "received", At: at}
	p.emit(m)
	return m
}

func (p *MessagePhone) emit(m core.Message) {
	if p.Events != nil {
		p.Events(core.MessageEvent{Message: m})
	}
}
