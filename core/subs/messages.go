package subs

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// MaxMessageBytes is the longest text Send takes (UTF-8 bytes).
const MaxMessageBytes = sip.MaxMessageSize

// messageTimeout bounds one MESSAGE or PUBLISH: its challenge round trip
// and Timer F.
const messageTimeout = 40 * time.Second

// seenMessages is how many incoming MESSAGE ids are kept to drop resends.
const seenMessages = 1024

// Send sends text to to (a user, number or SIP URI) from account ("" picks
// one like Dial); its delivery comes as MessageEvents.
func (m *Manager) Send(account, to, text string) (state.Message, error) {
	switch {
	case strings.TrimSpace(text) == "":
		return state.Message{}, errors.New("message: empty text")
	case !utf8.ValidString(text):
		return state.Message{}, errors.New("message: text is not valid UTF-8")
	case len(text) > MaxMessageBytes:
		return state.Message{}, fmt.Errorf("message: %d bytes is too long (at most %d)", len(text), MaxMessageBytes)
	}
	ua, err := m.runningUA()
	if err != nil {
		return state.Message{}, err
	}
	ln, uri, err := m.h.Route(to, account)
	if err != nil {
		return state.Message{}, err
	}
	msg := state.Message{Key: newMessageKey(), Peer: uri, Text: text, State: state.MessageSending, At: time.Now()}
	var from *sip.Target
	if ln != nil {
		msg.Account = ln.Name
		t := ln.From
		from = &t
	}
	closing, ok := m.sends.begin()
	if !ok {
		return state.Message{}, errors.New("message: the phone is closing")
	}
	m.h.Bus.Publish(state.MessageEvent{Message: msg})
	go func() {
		defer m.sends.done()
		ctx, cancel := context.WithTimeout(closing, messageTimeout)
		defer cancel()
		err := ua.SendMessage(ctx, sip.MessageOptions{From: from, To: uri, Text: text})
		out := msg
		var se *sip.StatusError
		switch {
		case err == nil:
			out.State = state.MessageDelivered
		case errors.As(err, &se):
			out.State, out.Code, out.Reason = state.MessageFailed, se.Code, se.Reason
		case closing.Err() != nil:
			out.State, out.Reason = state.MessageFailed, "no answer before the phone closed"
		case errors.Is(err, sip.ErrNoResponse):
			out.State, out.Reason = state.MessageFailed, "no response"
		default:
			out.State, out.Reason = state.MessageFailed, err.Error()
		}
		if err != nil {
			m.h.Log.Info("message not delivered", "to", uri, "error", err)
		}
		m.h.Bus.Publish(state.MessageEvent{Message: out})
	}()
	return msg, nil
}

// messageSends are the MESSAGEs on their way. Stop cancels them and waits
// for each to report its outcome (failed), so that no message stays
// "sending" in the history.
type messageSends struct {
	mu     sync.Mutex      // guards ctx, cancel and closed
	ctx    context.Context // parent of every send; ends on stop
	cancel context.CancelFunc
	closed bool
	wg     sync.WaitGroup
}

// begin counts one send and gives the context that ends with the phone;
// false once stop was called.
func (s *messageSends) begin() (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, false
	}
	if s.ctx == nil {
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
	s.wg.Add(1)
	return s.ctx, true
}

// done ends a send begin counted, once its outcome is published.
func (s *messageSends) done() { s.wg.Done() }

// stop cancels the sends on their way and waits until each published its
// outcome.
func (s *messageSends) stop() {
	s.mu.Lock()
	s.closed = true
	cancel := s.cancel
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
}

func newMessageKey() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("m%x", b)
}

// onMessage takes an incoming text MESSAGE for one of our accounts (or a
// direct one, when allowed); a resend of one already delivered is
// answered but not delivered twice.
func (m *Manager) onMessage(in sip.IncomingMessage) (int, string) {
	account := ""
	for _, l := range m.h.Lines() {
		if strings.EqualFold(l.From.Username, in.To.User) {
			account = l.Name
			break
		}
	}
	if account == "" && (m.h.AllowDirect == nil || !m.h.AllowDirect()) {
		return 404, "Not Found"
	}
	id := messageID(in)
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen[id] {
		return 200, "OK"
	}
	if m.seen == nil {
		m.seen = map[string]bool{}
	}
	m.seen[id] = true
	m.seenOrder = append(m.seenOrder, id)
	if len(m.seenOrder) > seenMessages {
		delete(m.seen, m.seenOrder[0])
		m.seenOrder = m.seenOrder[1:]
	}
	msg := state.Message{Key: "in:" + id, Account: account, Peer: in.From.URI, Incoming: true, Text: in.Text, State: state.MessageReceived, At: time.Now()}
	m.h.Bus.Publish(state.MessageEvent{Message: msg})
	return 200, "OK"
}

// messageID identifies an incoming MESSAGE across resends: its Call-ID
// and CSeq, and the sender's From tag (its From URI when it gives none),
// so that two senders reusing a Call-ID and CSeq are two messages. Its
// key ("in:" and this) is also the message's unique key in the store.
func messageID(in sip.IncomingMessage) string {
	sender := in.FromTag
	if sender == "" {
		sender = in.From.URI
	}
	return fmt.Sprintf("%s/%d/%s", in.CallID, in.CSeq, sender)
}
