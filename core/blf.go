package core

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
)

// MaxWatched bounds the busy lamps: each is a subscription the server
// keeps for us.
const MaxWatched = 200

// blfWatch is one watched extension.
type blfWatch struct {
	uri     string     // as Watch got it: the key of Watched and BLFEvent
	target  string     // the resolved resource, once subscribed
	account string     // the account subscribing; "" while none is registered
	from    sip.Target // its identity when it subscribed
	sub     *sip.Subscription
	tracker presence.Tracker
	state   BLFState
}

// watchExactly sets the extensions to watch (Watch, in journal.go, adds
// the store's): subscriptions start for new ones and end for dropped ones. An
// entry is a user or number (at an account's domain) or a SIP URI; the
// entries that are not are left out and named in the error, the others
// are watched all the same.
func (p *Engine) watchExactly(ctx context.Context, uris []string) error {
	var want []string
	var bad []error
	seen := map[string]bool{}
	for _, u := range uris {
		u = strings.TrimSpace(u)
		if u == "" || seen[u] {
			continue
		}
		if err := checkWatchURI(u); err != nil {
			// One odd stored number must not blank every other lamp.
			bad = append(bad, err)
			continue
		}
		seen[u] = true
		want = append(want, u)
	}
	if len(want) > MaxWatched {
		return fmt.Errorf("watch: %d extensions, at most %d", len(want), MaxWatched)
	}
	var stale []*sip.Subscription
	p.ev.mu.Lock()
	if p.ev.watch == nil {
		p.ev.watch = map[string]*blfWatch{}
	}
	for u, w := range p.ev.watch {
		if !seen[u] {
			if w.sub != nil {
				stale = append(stale, w.sub)
			}
			delete(p.ev.watch, u)
		}
	}
	for _, u := range want {
		if p.ev.watch[u] == nil {
			p.ev.watch[u] = &blfWatch{uri: u, state: BLFUnknown}
		}
	}
	p.ev.order = want
	p.ev.mu.Unlock()
	stopAll(stale)
	p.syncEvents()
	return errors.Join(bad...)
}

// checkWatchURI accepts what Dial accepts as a target.
func checkWatchURI(u string) error {
	if _, _, err := targetURI(u, ""); err != nil && !errors.Is(err, errNoDomain) {
		return fmt.Errorf("watch %q: %w", u, err)
	}
	return nil
}

// Watched is each watched extension's last known state.
func (p *Engine) Watched() map[string]BLFState {
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	out := make(map[string]BLFState, len(p.ev.watch))
	for u, w := range p.ev.watch {
		out[u] = w.state
	}
	return maps.Clone(out)
}

// syncWatches (re)starts the subscriptions of watched extensions through
// a registered account: the one whose domain is the extension's host,
// else the first registered. It returns subscriptions to stop. p.ev.mu held.
func (p *Engine) syncWatches(ua *sip.UA, lines []*line) []*sip.Subscription {
	var stale []*sip.Subscription
	for _, u := range p.ev.order {
		w := p.ev.watch[u]
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
		l := pickLine(lines, u)
		if l == nil {
			continue
		}
		target, err := watchTarget(u, l)
		if err != nil {
			p.o.log.Warn("blf: bad address", "uri", u, "error", err)
			continue
		}
		w.account, w.from, w.target = l.cfg.Name, l.target(), target
		w.sub = p.startBLF(ua, w)
	}
	return stale
}

// pickLine is the registered account to watch u through.
func pickLine(lines []*line, u string) *line {
	_, host, _ := targetURI(u, "") // "" for a user or number
	var first *line
	for _, l := range lines {
		if !isRegistered(l) {
			continue
		}
		if host != "" && strings.EqualFold(sip.Host(l.cfg.Domain), host) {
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
func watchTarget(u string, l *line) (string, error) {
	uri, _, err := targetURI(u, l.cfg.Domain)
	return uri, err
}

// startBLF subscribes to one extension's dialog state (p.ev.mu held).
func (p *Engine) startBLF(ua *sip.UA, w *blfWatch) *sip.Subscription {
	o := sip.SubscribeOptions{From: w.from, To: w.target, Event: "dialog", Accept: []string{"application/dialog-info+xml"}}
	o.Notify = func(n sip.Notification) { p.onDialogNotify(w, n) }
	o.State = func(st sip.SubscriptionState) {
		if !st.Active && st.Code != 0 {
			p.setBLF(w, func(w *blfWatch) { w.tracker.Reset() })
		}
	}
	s, err := ua.Subscribe(o)
	if err != nil {
		p.o.log.Warn("blf: cannot subscribe", "uri", w.uri, "error", err)
		return nil
	}
	return s
}

func (p *Engine) onDialogNotify(w *blfWatch, n sip.Notification) {
	if n.ContentType != "" && n.ContentType != "application/dialog-info+xml" {
		p.o.log.Warn("blf: unexpected body", "uri", w.uri, "type", n.ContentType)
		return
	}
	var info presence.DialogInfo
	if len(n.Body) > 0 {
		var err error
		if info, err = presence.ParseDialogInfo(n.Body); err != nil {
			p.o.log.Warn("blf: unreadable dialog-info", "uri", w.uri, "error", err)
			return
		}
	}
	p.setBLF(w, func(w *blfWatch) {
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
func (p *Engine) setBLF(w *blfWatch, f func(*blfWatch)) {
	p.ev.mu.Lock()
	if p.ev.watch[w.uri] != w {
		p.ev.mu.Unlock()
		return // no longer watched
	}
	f(w)
	st := blfState(w.tracker.Line())
	changed := st != w.state
	w.state = st
	p.ev.mu.Unlock()
	if changed {
		p.bus.Publish(BLFEvent{URI: w.uri, State: st})
	}
}

func blfState(l presence.Line) BLFState {
	switch l {
	case presence.LineIdle:
		return BLFIdle
	case presence.LineRinging:
		return BLFRinging
	case presence.LineBusy:
		return BLFBusy
	}
	return BLFUnknown
}

// stopAll stops subscriptions in the background (each bounded).
func stopAll(subs []*sip.Subscription) {
	for _, s := range subs {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), subscriptionStopTimeout)
			defer cancel()
			s.Stop(ctx)
		}()
	}
}
