package core

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
)

// MaxMessageBytes is the longest text SendMessage takes (UTF-8 bytes).
const MaxMessageBytes = sip.MaxMessageSize

// messageTimeout bounds one MESSAGE: its challenge round trip and Timer F.
const messageTimeout = 40 * time.Second

// seenMessages is how many incoming MESSAGE ids are kept to drop resends.
const seenMessages = 1024

// SendMessage sends text to to (a user, number or SIP URI) from account
// ("" picks one like Dial); its delivery comes as MessageEvents.
func (p *Engine) SendMessage(account, to, text string) (Message, error) {
	switch {
	case strings.TrimSpace(text) == "":
		return Message{}, errors.New("message: empty text")
	case !utf8.ValidString(text):
		return Message{}, errors.New("message: text is not valid UTF-8")
	case len(text) > MaxMessageBytes:
		return Message{}, fmt.Errorf("message: %d bytes is too long (at most %d)", len(text), MaxMessageBytes)
	}
	ua, err := p.sipUA()
	if err != nil {
		return Message{}, err
	}
	ln, uri, err := p.resolveTarget(to, account)
	if err != nil {
		return Message{}, err
	}
	m := Message{Key: newMessageKey(), Peer: uri, Text: text, State: MessageSending, At: time.Now()}
	var from *sip.Target
	if ln != nil {
		m.Account = ln.cfg.Name
		t := ln.target()
		from = &t
	}
	closing, ok := p.msgs.begin()
	if !ok {
		return Message{}, errors.New("message: the phone is closing")
	}
	p.bus.Publish(MessageEvent{Message: m})
	go func() {
		defer p.msgs.done()
		ctx, cancel := context.WithTimeout(closing, messageTimeout)
		defer cancel()
		err := ua.SendMessage(ctx, sip.MessageOptions{From: from, To: uri, Text: text})
		out := m
		var se *sip.StatusError
		switch {
		case err == nil:
			out.State = MessageDelivered
		case errors.As(err, &se):
			out.State, out.Code, out.Reason = MessageFailed, se.Code, se.Reason
		case closing.Err() != nil:
			out.State, out.Reason = MessageFailed, "no answer before the phone closed"
		case errors.Is(err, sip.ErrNoResponse):
			out.State, out.Reason = MessageFailed, "no response"
		default:
			out.State, out.Reason = MessageFailed, err.Error()
		}
		if err != nil {
			p.o.log.Info("message not delivered", "to", uri, "error", err)
		}
		p.bus.Publish(MessageEvent{Message: out})
	}()
	return m, nil
}

// messageSends are the MESSAGEs on their way. Close cancels them and
// waits for each to report its outcome (failed), so that no message stays
// "sending" in the history.
type messageSends struct {
	mu     sync.Mutex
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
// outcome. Called by Close before the event stream ends.
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
func (p *Engine) onMessage(in sip.IncomingMessage) (int, string) {
	ln := p.lineFor(in.To.User)
	if ln == nil && !p.o.allowDirect {
		return 404, "Not Found"
	}
	id := messageID(in)
	p.ev.mu.Lock()
	if p.ev.seen[id] {
		p.ev.mu.Unlock()
		return 200, "OK"
	}
	if p.ev.seen == nil {
		p.ev.seen = map[string]bool{}
	}
	p.ev.seen[id] = true
	p.ev.seenOrder = append(p.ev.seenOrder, id)
	if len(p.ev.seenOrder) > seenMessages {
		delete(p.ev.seen, p.ev.seenOrder[0])
		p.ev.seenOrder = p.ev.seenOrder[1:]
	}
	p.ev.mu.Unlock()
	m := Message{Key: "in:" + id, Peer: in.From.URI, Incoming: true, Text: in.Text, State: MessageReceived, At: time.Now()}
	if ln != nil {
		m.Account = ln.cfg.Name
	}
	p.bus.Publish(MessageEvent{Message: m})
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
