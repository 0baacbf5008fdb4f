package subs

import (
	"strings"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// startMWI subscribes to the account's own message summary (mu held).
func (m *Manager) startMWI(l Line) *sip.Subscription {
	name := l.Name
	o := sip.SubscribeOptions{From: l.From, To: "sip:" + l.From.Username + "@" + l.From.Domain,
		Event: "message-summary", Accept: []string{"application/simple-message-summary"}}
	o.Notify = func(n sip.Notification) {
		if len(n.Body) == 0 {
			return // a state without a body says nothing about the mailbox
		}
		if n.ContentType != "" && n.ContentType != "application/simple-message-summary" {
			m.h.Log.Warn("voicemail: unexpected body", "account", name, "type", n.ContentType)
			return
		}
		s, err := presence.ParseMessageSummary(n.Body)
		if err != nil {
			m.h.Log.Warn("voicemail: unreadable message summary", "account", name, "error", err)
			return
		}
		m.setVoicemail(m.h.Lines(), name, s)
	}
	s, err := m.ua.Subscribe(o)
	if err != nil {
		m.h.Log.Warn("voicemail: cannot subscribe", "account", name, "error", err)
		return nil
	}
	return s
}

// setVoicemail records an account's summary and reports a change.
func (m *Manager) setVoicemail(lines []Line, name string, s presence.MessageSummary) {
	v := s.Voice()
	st := state.VoicemailStatus{Account: name, Waiting: s.Waiting, New: v.New, Old: v.Old, Urgent: v.UrgentNew}
	if l := lineNamed(lines, name); l != nil {
		st.Number = l.Voicemail
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.vm == nil {
		m.vm = map[string]state.VoicemailStatus{}
	}
	if old, had := m.vm[name]; had && old == st {
		return
	}
	m.vm[name] = st
	m.h.Log.Info("voicemail", "account", name, "waiting", st.Waiting, "new", st.New, "old", st.Old)
	m.h.Bus.Publish(state.VoicemailEvent{VoicemailStatus: st})
}

// onUnsolicitedMWI takes a message-summary NOTIFY sent without our
// subscription, for the account whose user it names. An account with
// voicemail indication off takes it and ignores it: the server (Asterisk
// sends these) has no subscription to end.
func (m *Manager) onUnsolicitedMWI(n sip.MWINotify) (int, string) {
	lines := m.h.Lines()
	var ln *Line
	for i, l := range lines {
		if strings.EqualFold(l.From.Username, n.User) || (n.User == "" && strings.EqualFold(l.From.Username, n.ToUser)) {
			ln = &lines[i]
			break
		}
	}
	if ln == nil {
		return 404, "Not Found"
	}
	if !ln.MWI {
		m.h.Log.Debug("voicemail: notify ignored, indication off", "account", ln.Name)
		return 200, "OK"
	}
	if ct, _, _ := strings.Cut(n.ContentType, ";"); ct != "" && strings.TrimSpace(ct) != "application/simple-message-summary" {
		return 415, "Unsupported Media Type"
	}
	s, err := presence.ParseMessageSummary(n.Body)
	if err != nil {
		return 400, "Bad Message Summary"
	}
	m.setVoicemail(lines, ln.Name, s)
	return 200, "OK"
}
