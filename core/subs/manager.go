// Package subs runs what goes on beside the accounts' registrations:
// voicemail indication (message-summary subscriptions, RFC 3842), busy
// lamps (dialog subscriptions, RFC 4235), our presence (PUBLISH) and SIP
// MESSAGEs. The phone's engine gives it the user agent and its accounts;
// what happens comes out as events on the phone's bus.
package subs

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// Line is one account as the manager sees it.
type Line struct {
	Name string
	// From is the account's identity: a subscription made with another
	// (changed credentials or domain) starts over.
	From       sip.Target
	Voicemail  string // the voicemail number
	MWI        bool   // voicemail indication wanted
	Presence   bool   // publish our presence
	Registered bool
}

// Bus is where the manager publishes, and what it follows: registrations
// (an account that registers gets its subscriptions) and calls (our
// presence). *state.Bus is one.
type Bus interface {
	Publish(state.Event)
	Subscribe() (<-chan state.Event, func())
	State() state.State
}

// Host is what the manager needs of the phone. The funcs may take the
// phone's own lock: the manager never calls them holding its own.
type Host struct {
	// Lines lists the accounts now, in the configuration's order.
	Lines func() []Line
	// Address reads an address as Dial does: the SIP URI to reach and its
	// host, a user or number being at domain. With domain "", a
	// well-formed user or number gives no URI and no error.
	Address func(addr, domain string) (uri, host string, err error)
	// Route picks the account (nil: none, a direct message) and the
	// request URI for a message to to, as Dial picks them.
	Route func(to, account string) (*Line, string, error)
	Bus   Bus
	Log   *slog.Logger
	// AllowDirect says whether MESSAGEs for no account of ours are taken
	// (nil: never).
	AllowDirect func() bool
}

// Manager owns the subscriptions, publications and messages of the phone.
//
// Lock order: the phone's lock, then mu, then the bus's. Host funcs are
// called without mu; events are published under it, so that the bus sees
// them in the order the manager's state changed.
type Manager struct {
	h Host

	// mu guards everything below, and each blfWatch's fields.
	mu      sync.Mutex
	ua      *sip.UA
	running bool          // between Start and Stop
	stopBus func()        // ends the registration watcher
	busDone chan struct{} // closed when it has ended

	mwi   map[string]*accountSub           // message-summary, by account name
	vm    map[string]state.VoicemailStatus // last reported, by account name
	watch map[string]*blfWatch             // by the URI as Watch got it
	order []string                         // watched URIs in Watch order
	pub   map[string]*presencePub          // our presence, by account name

	seen      map[string]bool // incoming MESSAGEs already delivered (Call-ID, CSeq, sender)
	seenOrder []string

	sends messageSends
}

// New makes a manager; it does nothing until Start.
func New(h Host) *Manager {
	if h.Log == nil {
		h.Log = slog.Default()
	}
	return &Manager{h: h}
}

// accountSub is a subscription made through an account, with the
// identity it was made with.
type accountSub struct {
	sub  *sip.Subscription
	from sip.Target
}

// subscriptionStopTimeout bounds one unsubscribe when an account goes away.
const subscriptionStopTimeout = 5 * time.Second

// Start hooks the UA's MESSAGE and MWI handlers and starts following
// registrations: an account that registers gets its subscriptions. It
// calls nothing of the Host, so the phone may hold its lock (and must,
// for no registration to be missed: Start comes before any).
func (m *Manager) Start(ua *sip.UA) {
	ua.HandleMessages(m.onMessage)
	ua.HandleMWI(m.onUnsolicitedMWI)
	events, cancel := m.h.Bus.Subscribe()
	done := make(chan struct{})
	m.mu.Lock()
	m.ua, m.running, m.stopBus, m.busDone = ua, true, cancel, done
	m.mu.Unlock()
	go func() {
		defer close(done)
		for e := range events {
			switch e := e.(type) {
			case state.RegistrationEvent:
				if e.State == account.Registered {
					m.Sync()
				}
			case state.CallEvent:
				m.callsChanged()
			}
		}
	}()
}

// Stop ends every subscription and publication (unsubscribing, bounded by
// ctx) and fails the messages still on their way. The phone calls it
// before the accounts unregister and before its event stream ends.
func (m *Manager) Stop(ctx context.Context) {
	m.mu.Lock()
	if !m.running {
		m.mu.Unlock()
		m.sends.stop()
		return
	}
	m.running = false
	stopBus, busDone := m.stopBus, m.busDone
	var subs []*sip.Subscription
	for name, s := range m.mwi {
		subs = append(subs, s.sub)
		delete(m.mwi, name)
	}
	for _, w := range m.watch {
		if w.sub != nil {
			subs = append(subs, w.sub)
			w.sub, w.account = nil, ""
		}
	}
	var pubs []*presencePub
	for name, pp := range m.pub {
		pubs = append(pubs, pp)
		delete(m.pub, name)
	}
	m.mu.Unlock()
	stopBus()
	<-busDone
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Go(func() { s.Stop(ctx) })
	}
	for _, pp := range pubs {
		wg.Go(func() { pp.stop(ctx) })
	}
	wg.Go(m.sends.stop)
	wg.Wait()
}

// Sync reconciles the subscriptions with the accounts: those of accounts
// gone or changed end, registered accounts get theirs, watched extensions
// move to a registered account. Safe to call any time, but not holding
// the phone's lock (it asks for the lines).
func (m *Manager) Sync() {
	lines := m.h.Lines()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.running {
		return
	}
	var stale []*sip.Subscription
	for name, s := range m.mwi {
		if l := lineNamed(lines, name); l == nil || !l.MWI || l.From != s.from {
			stale = append(stale, s.sub)
			delete(m.mwi, name)
		}
	}
	for name := range m.vm {
		if lineNamed(lines, name) == nil {
			delete(m.vm, name)
		}
	}
	for _, l := range lines {
		if !l.MWI || m.mwi[l.Name] != nil || !l.Registered {
			continue
		}
		if s := m.startMWI(l); s != nil {
			if m.mwi == nil {
				m.mwi = map[string]*accountSub{}
			}
			m.mwi[l.Name] = &accountSub{sub: s, from: l.From}
		}
	}
	stale = append(stale, m.syncWatches(lines)...)
	m.syncPresence(lines)
	stopAll(stale)
}

// errNotStarted is returned before Start and after Stop.
var errNotStarted = errors.New("phone: not started")

// runningUA is the UA while the manager runs.
func (m *Manager) runningUA() (*sip.UA, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.running {
		return nil, errNotStarted
	}
	return m.ua, nil
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

// current tells whether the account still exists with the same identity.
func current(lines []Line, name string, from sip.Target) bool {
	l := lineNamed(lines, name)
	return l != nil && l.From == from
}

func lineNamed(lines []Line, name string) *Line {
	for i := range lines {
		if lines[i].Name == name {
			return &lines[i]
		}
	}
	return nil
}

// busy tells whether a call is in progress (our presence says so).
func (m *Manager) busy() bool {
	for _, c := range m.h.Bus.State().Calls {
		if c.State != call.Ended {
			return true
		}
	}
	return false
}
