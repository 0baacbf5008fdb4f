// Package lines keeps the accounts in force and their running
// registrations: which accounts the phone has, each one's settings as a
// call reads them, and the registration loop behind it.
package lines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"sync"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
)

// Line is one configured account with its running registration. Cfg is
// never changed once the line is in a Set: new call settings make a new
// Line sharing the registration, so calls in progress read theirs
// without a lock.
type Line struct {
	Cfg       config.Account
	reg       *account.Account
	registrar account.Registrar  // what reg sends its REGISTERs with
	stop      context.CancelFunc // ends the registration loop; nil when not running
	done      chan struct{}
}

// Registered says whether the account is registered now.
func (l *Line) Registered() bool {
	return l.reg != nil && l.reg.Status().State == account.Registered
}

// Target is the account's SIP identity.
func (l *Line) Target() sip.Target {
	return sip.Target{
		Username: l.Cfg.Username, AuthUsername: l.Cfg.AuthUser(), Password: l.Cfg.Password,
		DisplayName: l.Cfg.DisplayName, Domain: l.Cfg.Domain, Proxy: l.Cfg.Proxy, Transport: l.Cfg.Transport,
		Account: l.Cfg.Name,
	}
}

// Options are what every line of a phone shares.
type Options struct {
	Log        *slog.Logger
	Account    []account.Option     // registration tunables
	NoRegister bool                 // keep every account unregistered
	Emit       func(account.Status) // each registration change
	// Registrar makes an account's registration (a real one, or one
	// that fails with why the password is missing).
	Registrar func(ua *sip.UA, l *Line) (account.Registrar, error)
}

// Set is the accounts in force.
type Set struct {
	o Options

	// mu guards lines (the slice, not the lines) and, for the network
	// watch (moved.go), each line's reg and registrar as prepare sets them.
	// Registrations start and stop outside it; it is taken after the
	// engine's lock, never before.
	mu    sync.Mutex
	lines []*Line
}

// New holds accounts (not registering yet).
func New(accounts []config.Account, o Options) *Set {
	if o.Log == nil {
		o.Log = slog.Default()
	}
	s := &Set{o: o}
	for _, a := range accounts {
		s.lines = append(s.lines, &Line{Cfg: a})
	}
	return s
}

// All is the lines now, in the configuration's order.
func (s *Set) All() []*Line {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.lines)
}

// Names are the accounts' names, in order.
func (s *Set) Names() []string {
	var out []string
	for _, l := range s.All() {
		out = append(out, l.Cfg.Name)
	}
	return out
}

// Prepare makes every line's registration on ua; Run starts them.
func (s *Set) Prepare(ua *sip.UA) error {
	for _, l := range s.All() {
		if err := s.prepare(ua, l); err != nil {
			return err
		}
	}
	return nil
}

// Run runs every prepared registration under life.
func (s *Set) Run(life context.Context) {
	for _, l := range s.All() {
		s.run(life, l)
	}
}

// prepare makes the account's registration state machine.
func (s *Set) prepare(ua *sip.UA, l *Line) error {
	reg, err := s.o.Registrar(ua, l)
	if err != nil {
		return fmt.Errorf("account %s: %w", l.Cfg.Name, err)
	}
	opts := append([]account.Option{account.WithLogger(s.o.Log)}, s.o.Account...)
	acc := account.New(l.Cfg.Name, reg, l.Cfg.Expires, opts...)
	s.mu.Lock() // moved.go reads it from the network watch
	l.reg, l.registrar = acc, reg
	s.mu.Unlock()
	return nil
}

// run runs the account's registration until stop.
func (s *Set) run(life context.Context, l *Line) {
	if s.o.NoRegister {
		return
	}
	ctx, cancel := context.WithCancel(life)
	l.stop, l.done = cancel, make(chan struct{})
	go func() {
		defer close(l.done)
		l.reg.Run(ctx, s.o.Emit)
	}()
}

// stop ends the account's registration loop and unregisters it (bounded
// by ctx).
func (s *Set) stop(ctx context.Context, l *Line) error {
	if l.stop == nil {
		return nil
	}
	l.stop()
	<-l.done
	l.stop = nil
	return l.reg.Unregister(ctx, s.o.Emit)
}

// Stop unregisters every account, side by side (bounded by ctx).
func (s *Set) Stop(ctx context.Context) error {
	ls := s.All()
	errs := make([]error, len(ls))
	var wg sync.WaitGroup
	for i, l := range ls {
		wg.Go(func() { errs[i] = s.stop(ctx, l) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// Retry registers account name now; false if there is no such running
// account.
func (s *Set) Retry(name string) bool {
	for _, l := range s.All() {
		if l.Cfg.Name == name && l.reg != nil {
			l.reg.Retry()
			return true
		}
	}
	return false
}

// Apply puts next in force: accounts whose registration is unchanged keep
// it (with their new call settings), removed or changed ones unregister
// (bounded by ctx). It returns the new or changed enabled ones, for
// Launch once what they need (TLS trust) is ready.
func (s *Set) Apply(ctx context.Context, next []config.Account) (start []*Line) {
	keep := map[string]*Line{}
	var stop []*Line
	for _, l := range s.All() {
		if a, ok := find(next, l.Cfg.Name); ok && sameRegistration(a, l.Cfg) {
			keep[a.Name] = l.withConfig(a)
		} else {
			stop = append(stop, l)
		}
	}
	for _, l := range stop {
		if err := s.stop(ctx, l); err != nil {
			s.o.Log.Warn("unregister changed account", "account", l.Cfg.Name, "error", err)
		}
	}
	var lines []*Line
	for _, a := range next {
		if l, ok := keep[a.Name]; ok {
			lines = append(lines, l)
			continue
		}
		if !a.Enabled {
			continue
		}
		l := &Line{Cfg: a}
		lines = append(lines, l)
		start = append(start, l)
	}
	s.mu.Lock()
	s.lines = lines
	s.mu.Unlock()
	return start
}

// Launch registers lines from Apply on ua, under life.
func (s *Set) Launch(life context.Context, ua *sip.UA, start []*Line) error {
	for _, l := range start {
		if err := s.prepare(ua, l); err != nil {
			return err
		}
		s.run(life, l)
	}
	return nil
}

func find(accounts []config.Account, name string) (config.Account, bool) {
	for _, a := range accounts {
		if a.Name == name {
			return a, true
		}
	}
	return config.Account{}, false
}

// withConfig is l with the account's new settings: a fresh line sharing
// the registration, because calls in progress read their line's settings
// without a lock.
func (l *Line) withConfig(a config.Account) *Line {
	if l.Cfg.Equal(a) {
		return l
	}
	n := *l
	n.Cfg = a
	return &n
}

// sameRegistration reports whether two versions of an account can keep
// one running line: the settings read per call (do not disturb, busy,
// forwarding, auto-answer, media protection and NAT, CTI) do not touch the
// registration. Voicemail and presence settings still count, since their
// subscriptions run with it.
func sameRegistration(a, b config.Account) bool {
	fa, fb := &a.Features, b.Features
	fa.DND, fa.BusyWhenInCall = fb.DND, fb.BusyWhenInCall
	fa.ForwardAlways, fa.ForwardBusy, fa.ForwardNoAnswer, fa.ForwardNoAnswerAfter =
		fb.ForwardAlways, fb.ForwardBusy, fb.ForwardNoAnswer, fb.ForwardNoAnswerAfter
	fa.AutoAnswer, fa.AnswerAfterHints = fb.AutoAnswer, fb.AnswerAfterHints
	a.Media = b.Media
	a.CTI = b.CTI
	return sameLine(a, b)
}

// sameLine reports whether a running line for b can serve a: where the
// password is kept does not matter to the registration.
func sameLine(a, b config.Account) bool {
	a.PasswordStore, b.PasswordStore = "", ""
	return a.Equal(b)
}

// TLSPolicy is what the lines' TLS servers need of certificate checks.
func (s *Set) TLSPolicy() sip.TLSPolicy {
	var pol sip.TLSPolicy
	for _, l := range s.All() {
		if l.Cfg.Transport != "tls" {
			continue
		}
		if l.Cfg.CAFile != "" {
			pol.CAFiles = append(pol.CAFiles, l.Cfg.CAFile)
		}
		host := l.Cfg.Proxy
		if host == "" {
			host = l.Cfg.Domain
		}
		host = sip.Host(host)
		if l.Cfg.TLSInsecureSkipVerify {
			pol.InsecureHosts = append(pol.InsecureHosts, host)
		} else if net.ParseIP(host) != nil {
			pol.IPHosts = append(pol.IPHosts, host)
		}
	}
	return pol
}
