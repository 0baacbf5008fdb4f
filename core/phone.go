// Package core is the telephony engine behind every face of the softphone
// (GUI, CLI, local API): commands go in as method calls on Phone, and what
// happens comes out as a stream of typed events and as snapshots.
package core

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
)

// ErrUnknownAccount is returned for an account name not in the configuration.
var ErrUnknownAccount = errors.New("unknown account")

// Phone is the softphone's engine: accounts, and (next) calls.
type Phone struct {
	cfg *config.Config
	o   options
	bus *bus

	mu       sync.Mutex
	ua       *sip.UA
	accounts []*line
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	closed   bool
}

// line is one configured account with its running registration.
type line struct {
	cfg config.Account
	reg *account.Account
}

type options struct {
	log         *slog.Logger
	only        []string
	accountOpts []account.Option
}

// Option configures a Phone.
type Option func(*options)

// WithLogger sets the logger (default slog.Default()).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithAccounts limits the phone to the named accounts, enabled or not.
func WithAccounts(names ...string) Option { return func(o *options) { o.only = names } }

// WithAccountOptions tunes every account's registration (timeouts, backoff).
func WithAccountOptions(opts ...account.Option) Option {
	return func(o *options) { o.accountOpts = append(o.accountOpts, opts...) }
}

// New prepares a phone for cfg; it opens nothing until Start.
func New(cfg *config.Config, opts ...Option) (*Phone, error) {
	o := options{log: slog.Default()}
	for _, opt := range opts {
		opt(&o)
	}
	p := &Phone{cfg: cfg, o: o, bus: newBus()}
	if len(o.only) > 0 {
		for _, name := range o.only {
			a, ok := cfg.Account(name)
			if !ok {
				return nil, fmt.Errorf("%w %q", ErrUnknownAccount, name)
			}
			p.accounts = append(p.accounts, &line{cfg: a})
		}
	} else {
		for _, a := range cfg.Enabled() {
			p.accounts = append(p.accounts, &line{cfg: a})
		}
	}
	return p, nil
}

// Events subscribes to the phone's events from now on. The channel is
// closed after Close; call cancel to stop receiving earlier.
func (p *Phone) Events() (events <-chan Event, cancel func()) { return p.bus.subscribe() }

// Start opens the SIP listener and starts registering the accounts.
func (p *Phone) Start(ctx context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ua != nil || p.closed {
		return errors.New("phone: already started")
	}
	tlsConf, err := sip.TLSConfig(tlsPolicy(p.accounts))
	if err != nil {
		return err
	}
	ua, err := sip.Listen(p.cfg.SIP.Listen,
		sip.WithLogger(p.o.log), sip.WithUserAgent(p.cfg.SIP.UserAgent), sip.WithTLSConfig(tlsConf))
	if err != nil {
		return err
	}
	for _, l := range p.accounts {
		reg, err := ua.NewRegistration(sip.Target{
			Username: l.cfg.Username, AuthUsername: l.cfg.AuthUser(), Password: l.cfg.Password,
			DisplayName: l.cfg.DisplayName, Domain: l.cfg.Domain, Proxy: l.cfg.Proxy, Transport: l.cfg.Transport,
		})
		if err != nil {
			ua.Close()
			return fmt.Errorf("account %s: %w", l.cfg.Name, err)
		}
		l.reg = account.New(l.cfg.Name, reg, l.cfg.Expires, p.o.accountOpts...)
	}
	p.ua = ua
	p.o.log.Info("sip listening", "addr", ua.Addr().String())
	p.bus.publish(ListeningEvent{Addr: ua.Addr().String()})
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.cancel = cancel
	for _, l := range p.accounts {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			l.reg.Run(runCtx, p.emitStatus)
		}()
	}
	return nil
}

func tlsPolicy(lines []*line) sip.TLSPolicy {
	var pol sip.TLSPolicy
	for _, l := range lines {
		if l.cfg.Transport != "tls" {
			continue
		}
		if l.cfg.CAFile != "" {
			pol.CAFiles = append(pol.CAFiles, l.cfg.CAFile)
		}
		host := l.cfg.Proxy
		if host == "" {
			host = l.cfg.Domain
		}
		host = sip.Host(host)
		if l.cfg.TLSInsecureSkipVerify {
			pol.InsecureHosts = append(pol.InsecureHosts, host)
		} else if net.ParseIP(host) != nil {
			pol.IPHosts = append(pol.IPHosts, host)
		}
	}
	return pol
}

func (p *Phone) emitStatus(s account.Status) {
	if s.State == account.Failed {
		p.o.log.Warn("registration failed", "account", s.Account, "reason", s.Reason, "retry_in", s.RetryIn)
	} else {
		p.o.log.Info("registration", "account", s.Account, "state", s.State.String(), "expires", s.Expires)
	}
	p.bus.publish(RegistrationEvent{Status: s})
}

// Register retries an account's registration now (after a wrong password
// was fixed, or to skip a backoff wait).
func (p *Phone) Register(name string) error {
	for _, l := range p.accounts {
		if l.cfg.Name == name && l.reg != nil {
			l.reg.Retry()
			return nil
		}
	}
	return fmt.Errorf("%w %q", ErrUnknownAccount, name)
}

// Snapshot is the phone's state at one moment, for drawing a screen.
type Snapshot struct {
	Listen   string
	Accounts []account.Status
}

// Snapshot returns the current state.
func (p *Phone) Snapshot() Snapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	var s Snapshot
	if p.ua != nil {
		s.Listen = p.ua.Addr().String()
	}
	for _, l := range p.accounts {
		if l.reg != nil {
			s.Accounts = append(s.Accounts, l.reg.Status())
		} else {
			s.Accounts = append(s.Accounts, account.Status{Account: l.cfg.Name, State: account.Unregistered, At: time.Now()})
		}
	}
	return s
}

// Close unregisters every account (bounded by ctx), closes the sockets and
// ends the event stream.
func (p *Phone) Close(ctx context.Context) error {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return nil
	}
	p.closed = true
	ua, cancel := p.ua, p.cancel
	p.mu.Unlock()
	if ua == nil {
		p.bus.close()
		return nil
	}
	cancel()
	p.wg.Wait()
	errs := make([]error, len(p.accounts))
	var wg sync.WaitGroup
	for i, l := range p.accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = l.reg.Unregister(ctx, p.emitStatus)
		}()
	}
	wg.Wait()
	errs = append(errs, ua.Close())
	p.bus.close()
	return errors.Join(errs...)
}
