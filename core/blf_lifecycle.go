package core

import (
	"context"
	"sync"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/sip"
)

// The event features (voicemail indication, busy lamps, presence and
// messages) follow the phone's lifecycle: Start hooks the UA's handlers
// and watches registrations, each registered account gets its
// subscriptions, UpdateAccounts reconciles them, Close unsubscribes.

// evState is the phone's event-feature state; its zero value is ready.
type evState struct {
	mu      sync.Mutex
	running bool
	stopBus func()        // ends the registration watcher
	busDone chan struct{} // closed when it has ended

	mwi   map[string]*accountSub     // message-summary, by account name
	vm    map[string]VoicemailStatus // by account name
	watch map[string]*blfWatch       // by the URI as Watch got it
	order []string                   // watched URIs in Watch order
	pub   map[string]*presencePub    // our presence, by account name (Features.Presence)

	seen      map[string]bool // incoming MESSAGEs already delivered (Call-ID, CSeq, sender)
	seenOrder []string
}

// accountSub is a subscription made through an account, with the
// identity it was made with: a change of credentials or domain restarts it.
type accountSub struct {
	sub  *sip.Subscription
	from sip.Target
}

// current tells whether the account still exists with the same identity.
func current(lines []*line, name string, from sip.Target) bool {
	for _, l := range lines {
		if l.cfg.Name == name {
			return l.target() == from
		}
	}
	return false
}

// subscriptionStopTimeout bounds one unsubscribe when an account goes away.
const subscriptionStopTimeout = 5 * time.Second

// startEvents hooks the UA's MESSAGE and MWI handlers and starts watching
// registrations: an account that registers gets its subscriptions.
// Called by Start (p.mu held: nothing here may take it).
func (p *Engine) startEvents(ua *sip.UA) {
	ua.HandleMessages(p.onMessage)
	ua.HandleMWI(p.onUnsolicitedMWI)
	events, cancel := p.bus.Subscribe()
	done := make(chan struct{})
	p.ev.mu.Lock()
	p.ev.running, p.ev.stopBus, p.ev.busDone = true, cancel, done
	p.ev.mu.Unlock()
	go func() {
		defer close(done)
		for e := range events {
			switch e := e.(type) {
			case RegistrationEvent:
				if e.State == account.Registered {
					p.syncEvents()
				}
			case CallEvent:
				p.presenceCallChanged()
			}
		}
	}()
}

// stopEvents ends every subscription and publication (unsubscribing,
// bounded by ctx). Called by Close before the accounts unregister.
func (p *Engine) stopEvents(ctx context.Context) {
	p.ev.mu.Lock()
	if !p.ev.running {
		p.ev.mu.Unlock()
		return
	}
	p.ev.running = false
	stopBus, busDone := p.ev.stopBus, p.ev.busDone
	var subs []*sip.Subscription
	for name, s := range p.ev.mwi {
		subs = append(subs, s.sub)
		delete(p.ev.mwi, name)
	}
	for _, w := range p.ev.watch {
		if w.sub != nil {
			subs = append(subs, w.sub)
			w.sub, w.account = nil, ""
		}
	}
	var pubs []*presencePub
	for name, pp := range p.ev.pub {
		pubs = append(pubs, pp)
		delete(p.ev.pub, name)
	}
	p.ev.mu.Unlock()
	stopBus()
	<-busDone
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Stop(ctx)
		}()
	}
	for _, pp := range pubs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pp.stop(ctx)
		}()
	}
	wg.Wait()
}

// syncEvents reconciles the subscriptions with the accounts: those of
// accounts gone or changed end, registered accounts get theirs, watched
// extensions move to a registered account. Safe to call any time.
func (p *Engine) syncEvents() {
	p.mu.Lock()
	ua := p.ua
	closed := p.closed
	p.mu.Unlock()
	if ua == nil || closed {
		return
	}
	lines := p.lines()
	p.ev.mu.Lock()
	defer p.ev.mu.Unlock()
	if !p.ev.running {
		return
	}
	var stale []*sip.Subscription
	for name, s := range p.ev.mwi {
		if l := lineNamed(lines, name); l == nil || l.cfg.NoMWI || l.target() != s.from {
			stale = append(stale, s.sub)
			delete(p.ev.mwi, name)
		}
	}
	for name := range p.ev.vm {
		if !hasAccount(lines, name) {
			delete(p.ev.vm, name)
		}
	}
	for _, l := range lines {
		if l.cfg.NoMWI || p.ev.mwi[l.cfg.Name] != nil || !isRegistered(l) {
			continue
		}
		if s := p.startMWI(ua, l); s != nil {
			if p.ev.mwi == nil {
				p.ev.mwi = map[string]*accountSub{}
			}
			p.ev.mwi[l.cfg.Name] = &accountSub{sub: s, from: l.target()}
		}
	}
	stale = append(stale, p.syncWatches(ua, lines)...)
	p.syncPresence(ua, lines)
	for _, s := range stale {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), subscriptionStopTimeout)
			defer cancel()
			s.Stop(ctx)
		}()
	}
}

func isRegistered(l *line) bool {
	return l.reg != nil && l.reg.Status().State == account.Registered
}

func hasAccount(lines []*line, name string) bool { return lineNamed(lines, name) != nil }

func lineNamed(lines []*line, name string) *line {
	for _, l := range lines {
		if l.cfg.Name == name {
			return l
		}
	}
	return nil
}
