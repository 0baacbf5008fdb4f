package subs

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// MaxWatched bounds the busy lamps: each is a subscription the server
// keeps for us.
const MaxWatched = 200

// ErrNotRinging means a watched extension has no call to pick up.
var ErrNotRinging = errors.New("no ringing call to pick up")

// blfWatch is one watched extension; Manager.mu guards it.
type blfWatch struct {
	uri     string     // as Watch got it: the key of the lamps and BLFEvent
	target  string     // the resolved resource, once subscribed
	account string     // the account subscribing; "" while none is registered
	from    sip.Target // its identity when it subscribed
	sub     *sip.Subscription
	tracker presence.Tracker
	state   state.BLFState
}

// Watch sets the extensions to watch (contacts marked BLF, speed-dial
// keys): subscriptions start for new ones and end for dropped ones, and a
// WatchEvent gives the new set. An entry is a user or number (at an
// account's domain) or a SIP URI; the entries that are not are left out
// and named in the error, the others are watched all the same.
func (m *Manager) Watch(uris []string) error {
	var want []string
	var bad []error
	seen := map[string]bool{}
	for _, u := range uris {
		u = strings.TrimSpace(u)
		if u == "" || seen[u] {
			continue
		}
		if _, _, err := m.h.Address(u, ""); err != nil {
			// One odd stored number must not blank every other lamp.
			bad = append(bad, fmt.Errorf("watch %q: %w", u, err))
			continue
		}
		seen[u] = true
		want = append(want, u)
	}
	if len(want) > MaxWatched {
		return fmt.Errorf("watch: %d extensions, at most %d", len(want), MaxWatched)
	}
	var stale []*sip.Subscription
	m.mu.Lock()
	if m.watch == nil {
		m.watch = map[string]*blfWatch{}
	}
	for u, w := range m.watch {
		if !seen[u] {
			if w.sub != nil {
				stale = append(stale, w.sub)
			}
			delete(m.watch, u)
		}
	}
	for _, u := range want {
		if m.watch[u] == nil {
			m.watch[u] = &blfWatch{uri: u, state: state.BLFUnknown}
		}
	}
	if !slices.Equal(m.order, want) {
		m.order = want
		m.h.Bus.Publish(state.WatchEvent{URIs: slices.Clone(want)})
	}
	m.mu.Unlock()
	stopAll(stale)
	m.Sync()
	return errors.Join(bad...)
}

// Ringing is the call ringing at a watched extension, as its dialog
// state tells it, and the account watching it (to pick the call up).
func (m *Manager) Ringing(uri string) (presence.Dialog, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	w := m.watch[uri]
	if w == nil {
		return presence.Dialog{}, "", errors.New("not watched")
	}
	d, ok := w.tracker.Ringing()
	if !ok {
		return presence.Dialog{}, "", ErrNotRinging
	}
	return d, w.account, nil
}

// syncWatches (re)starts the subscriptions of watched extensions through
// a registered account: the one whose domain is the extension's host,
// else the first registered. It returns subscriptions to stop. mu held.
func (m *Manager) syncWatches(lines []Line) []*sip.Subscription {
	var stale []*sip.Subscription
	for _, u := range m.order {
		w := m.watch[u]
		if w == nil {
			continue
		}
		if w.sub != nil && current(lines, w.account, w.from) {
			continue
		}
		if w.sub != nil {
			stale = append(stale, w.sub)
			w.sub, w.account = nil, ""
		}
		l := m.pickLine(lines, u)
		if l == nil {
			continue
		}
		target, err := m.watchTarget(u, l)
		if err != nil {
			m.h.Log.Warn("blf: bad address", "uri", u, "error", err)
			continue
		}
		w.account, w.from, w.target = l.Name, l.From, target
		w.sub = m.startBLF(w)
	}
	return stale
}

// pickLine is the registered account to watch u through.
func (m *Manager) pickLine(lines []Line, u string) *Line {
	_, host, _ := m.h.Address(u, "") // "" for a user or number
	var first *Line
	for i := range lines {
		l := &lines[i]
		if !l.Registered {
			continue
		}
		if host != "" && strings.EqualFold(sip.Host(l.From.Domain), host) {
			return l
		}
		if first == nil {
			first = l
		}
	}
	return first
}

// watchTarget is the resource URI: a bare user or number is at the
// account's domain.
func (m *Manager) watchTarget(u string, l *Line) (string, error) {
	uri, _, err := m.h.Address(u, l.From.Domain)
	if err == nil && uri == "" {
		err = fmt.Errorf("%q: account %s has no domain", u, l.Name)
	}
	return uri, err
}

// startBLF subscribes to one extension's dialog state (mu held).
func (m *Manager) startBLF(w *blfWatch) *sip.Subscription {
	o := sip.SubscribeOptions{From: w.from, To: w.target, Event: "dialog", Accept: []string{"application/dialog-info+xml"}}
	o.Notify = func(n sip.Notification) { m.onDialogNotify(w, n) }
	o.State = func(st sip.SubscriptionState) {
		if !st.Active && st.Code != 0 {
			m.setBLF(w, func(w *blfWatch) { w.tracker.Reset() })
		}
	}
	s, err := m.ua.Subscribe(o)
	if err != nil {
		m.h.Log.Warn("blf: cannot subscribe", "uri", w.uri, "error", err)
		return nil
	}
	return s
}

func (m *Manager) onDialogNotify(w *blfWatch, n sip.Notification) {
	if n.ContentType != "" && n.ContentType != "application/dialog-info+xml" {
		m.h.Log.Warn("blf: unexpected body", "uri", w.uri, "type", n.ContentType)
		return
	}
	var info presence.DialogInfo
	if len(n.Body) > 0 {
		var err error
		if info, err = presence.ParseDialogInfo(n.Body); err != nil {
			m.h.Log.Warn("blf: unreadable dialog-info", "uri", w.uri, "error", err)
			return
		}
	}
	m.setBLF(w, func(w *blfWatch) {
		if n.First {
			w.tracker.Reset()
		}
		switch {
		case len(n.Body) > 0:
			w.tracker.Apply(info)
		case n.State == "active":
			// An accepted subscription with nothing to report: the
			// notifier knows of no dialog (Kamailio sends no body rather
			// than an empty dialog-info), so the line is idle.
			w.tracker.Apply(presence.DialogInfo{Full: true, Version: w.tracker.Version()})
		}
	})
}

// setBLF changes a watch's tracker and reports a new state.
func (m *Manager) setBLF(w *blfWatch, f func(*blfWatch)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.watch[w.uri] != w {
		return // no longer watched
	}
	f(w)
	st := blfState(w.tracker.Line())
	if st != w.state {
		w.state = st
		m.h.Bus.Publish(state.BLFEvent{URI: w.uri, State: st})
	}
}

func blfState(l presence.Line) state.BLFState {
	switch l {
	case presence.LineIdle:
		return state.BLFIdle
	case presence.LineRinging:
		return state.BLFRinging
	case presence.LineBusy:
		return state.BLFBusy
	}
	return state.BLFUnknown
}
