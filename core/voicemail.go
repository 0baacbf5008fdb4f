package core

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
)

// ErrNoVoicemail is returned by DialVoicemail when no account has a
// voicemail number.
var ErrNoVoicemail = errors.New("no voicemail number configured")

// Voicemail lists each account's message-waiting status.
func (p *Engine) Voicemail() []VoicemailStatus {
	lines := p.lines()
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	out := make([]VoicemailStatus, 0, len(lines))
	for _, l := range lines {
		st := p.ev.vm[l.cfg.Name]
		st.Account, st.Number = l.cfg.Name, l.cfg.Voicemail
		out = append(out, st)
	}
	return out
}

// DialVoicemail calls the account's voicemail number ("" = the first
// account that has one).
func (p *Engine) DialVoicemail(ctx context.Context, account string) (string, error) {
	for _, l := range p.lines() {
		if account != "" && l.cfg.Name != account {
			continue
		}
		if l.cfg.Voicemail == "" {
			if account != "" {
				return "", fmt.Errorf("account %q: %w", account, ErrNoVoicemail)
			}
			continue
		}
		return p.Dial(ctx, l.cfg.Voicemail, DialOptions{Account: l.cfg.Name})
	}
	if account != "" {
		return "", fmt.Errorf("%w %q", ErrUnknownAccount, account)
	}
	return "", ErrNoVoicemail
}

// startMWI subscribes to the account's own message summary (p.ev.mu held).
func (p *Engine) startMWI(ua *sip.UA, l *line) *sip.Subscription {
	name := l.cfg.Name
	o := sip.SubscribeOptions{From: l.target(), To: "sip:" + l.cfg.Username + "@" + l.cfg.Domain,
		Event: "message-summary", Accept: []string{"application/simple-message-summary"}}
	o.Notify = func(n sip.Notification) {
		if len(n.Body) == 0 {
			return // a state without a body says nothing about the mailbox
		}
		if n.ContentType != "" && n.ContentType != "application/simple-message-summary" {
			p.o.log.Warn("voicemail: unexpected body", "account", name, "type", n.ContentType)
			return
		}
		s, err := presence.ParseMessageSummary(n.Body)
		if err != nil {
			p.o.log.Warn("voicemail: unreadable message summary", "account", name, "error", err)
			return
		}
		p.setVoicemail(name, s)
	}
	s, err := ua.Subscribe(o)
	if err != nil {
		p.o.log.Warn("voicemail: cannot subscribe", "account", name, "error", err)
		return nil
	}
	return s
}

// setVoicemail records an account's summary and reports a change.
func (p *Engine) setVoicemail(name string, s presence.MessageSummary) {
	v := s.Voice()
	st := VoicemailStatus{Account: name, Waiting: s.Waiting, New: v.New, Old: v.Old, Urgent: v.UrgentNew}
	for _, l := range p.lines() {
		if l.cfg.Name == name {
			st.Number = l.cfg.Voicemail
		}
	}
	p.ev.mu.Lock()
	if p.ev.vm == nil {
		p.ev.vm = map[string]VoicemailStatus{}
	}
	old, had := p.ev.vm[name]
	p.ev.vm[name] = st
	p.ev.mu.Unlock()
	if had && old == st {
		return
	}
	p.o.log.Info("voicemail", "account", name, "waiting", st.Waiting, "new", st.New, "old", st.Old)
	p.bus.Publish(VoicemailEvent{VoicemailStatus: st})
}

// onUnsolicitedMWI takes a message-summary NOTIFY sent without our
// subscription, for the account whose user it names. An account with
// voicemail indication off (NoMWI) takes it and ignores it: the server
// (Asterisk sends these) has no subscription to end.
func (p *Engine) onUnsolicitedMWI(n sip.MWINotify) (int, string) {
	var ln *line
	for _, l := range p.lines() {
		if strings.EqualFold(l.cfg.Username, n.User) || (n.User == "" && strings.EqualFold(l.cfg.Username, n.ToUser)) {
			ln = l
			break
		}
	}
	if ln == nil {
		return 404, "Not Found"
	}
	if ln.cfg.NoMWI {
		p.o.log.Debug("voicemail: notify ignored, indication off", "account", ln.cfg.Name)
		return 200, "OK"
	}
	if ct, _, _ := strings.Cut(n.ContentType, ";"); ct != "" && strings.TrimSpace(ct) != "application/simple-message-summary" {
		return 415, "Unsupported Media Type"
	}
	s, err := presence.ParseMessageSummary(n.Body)
	if err != nil {
		return 400, "Bad Message Summary"
	}
	p.setVoicemail(ln.cfg.Name, s)
	return 200, "OK"
}
