package core

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/secret"
	"github.com/softphone/softphone/core/sip"
)

// WithSecrets keeps account passwords in s (normally secret.Keyring()):
// accounts with password_store = "keyring" get their password from it,
// and UpdateAccounts moves passwords into it when it is available. Without
// this option, or when s is unavailable, passwords stay in the file.
func WithSecrets(s secret.Store) Option {
	return func(o *options) { o.secrets = &secrets{store: s} }
}

// secrets is one phone's use of its password store.
type secrets struct {
	store secret.Store // nil: none

	mu      sync.Mutex
	probed  bool
	avail   bool
	noticed bool
	missing map[string]string // account → why its keyring password could not be read
}

// available probes the store the first time only.
func (s *secrets) available() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.probed {
		s.probed = true
		s.avail = secret.Available(s.store)
	}
	return s.avail
}

func (s *secrets) setMissing(name, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.missing == nil {
		s.missing = map[string]string{}
	}
	s.missing[name] = reason
}

func (s *secrets) missingReason(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.missing[name]; ok {
		return r
	}
	return secret.ErrNotFound.Error()
}

// loadSecrets fills in the password of every keyring account of p.cfg
// (New calls it before the lines copy the accounts). An account whose
// password cannot be read keeps an empty one: its registration fails with
// the reason (see registrar), the other accounts are unaffected.
func (p *Engine) loadSecrets() {
	if p.o.secrets == nil {
		p.o.secrets = &secrets{}
	}
	s := p.o.secrets
	for i := range p.cfg.Accounts {
		a := &p.cfg.Accounts[i]
		if a.PasswordStore != config.PasswordInKeyring || a.Password != "" {
			continue
		}
		var reason string
		if s.store == nil {
			reason = secret.ErrNotFound.Error() + " (no keyring in use)"
		} else if pw, err := s.store.Get(a.Name); err != nil {
			reason = secret.ErrNotFound.Error()
			if !errors.Is(err, secret.ErrNotFound) {
				reason += ": " + err.Error()
			}
		} else if pw == "" {
			reason = secret.ErrNotFound.Error()
		} else {
			a.Password = pw
			continue
		}
		s.setMissing(a.Name, reason)
		p.o.log.Warn("account password unavailable", "account", a.Name, "reason", reason)
	}
}

// registrar makes the registration of l: a real one, or, for a keyring
// account whose password could not be read, one that fails with why.
func (p *Engine) registrar(ua *sip.UA, l *line) (account.Registrar, error) {
	if l.cfg.PasswordStore == config.PasswordInKeyring && l.cfg.Password == "" {
		return missingPassword{reason: p.o.secrets.missingReason(l.cfg.Name)}, nil
	}
	reg, err := ua.NewRegistration(l.target())
	if err != nil {
		return nil, err
	}
	return reg, nil
}

// missingPassword is the registrar of an account without its password:
// every REGISTER fails at once, as refused credentials do (no retries
// until Register or a fixed password), and there is never anything to
// unregister.
type missingPassword struct{ reason string }

func (m missingPassword) Register(_ context.Context, expires int) (sip.RegisterResult, error) {
	if expires == 0 {
		return sip.RegisterResult{Code: 200, Reason: "OK"}, nil
	}
	return sip.RegisterResult{}, missingPasswordError(m.reason)
}

type missingPasswordError string

func (e missingPasswordError) Error() string { return string(e) }
func (e missingPasswordError) Is(target error) bool {
	return target == sip.ErrAuth || target == secret.ErrNotFound
}

// placeSecrets decides, before UpdateAccounts saves next, where each
// password goes: into the keyring when there is one (the account gets
// password_store = "keyring", so Save leaves the password out of the
// file), else into the file (mode 0600). prev are the accounts in force.
// The returned function runs after a successful save: it deletes the
// keyring entries of removed accounts (and of accounts whose password
// left the keyring), and says once per phone that passwords are in the
// file.
func (p *Engine) placeSecrets(prev, next []config.Account, path string) (afterSave func()) {
	s := p.o.secrets
	if s == nil {
		s = &secrets{}
	}
	old := map[string]config.Account{}
	for _, a := range prev {
		old[a.Name] = a
	}
	inFile := false
	for i := range next {
		a := &next[i]
		o, had := old[a.Name]
		unchanged := had && o.PasswordStore == config.PasswordInKeyring && o.Password == a.Password
		switch {
		case a.Password == "":
			// Cleared by the user: nothing left to keep. An empty
			// password that was never read (keyring unreadable at
			// start) keeps its keyring entry.
			if a.PasswordStore == config.PasswordInKeyring && had && o.Password != "" {
				a.PasswordStore = ""
			}
		case unchanged && a.PasswordStore == config.PasswordInKeyring:
			// Already there: no write (and no unlock prompt).
		case s.store != nil && s.available():
			if err := s.store.Set(a.Name, a.Password); err != nil {
				p.o.log.Warn("keyring: keeping the password in the file", "account", a.Name, "error", secret.Scrub(err.Error(), a.Password))
				a.PasswordStore = ""
				inFile = true
			} else {
				a.PasswordStore = config.PasswordInKeyring
			}
		default:
			a.PasswordStore = ""
			inFile = true
		}
	}
	return func() {
		if s.store != nil {
			now := map[string]config.Account{}
			for _, a := range next {
				now[a.Name] = a
			}
			for _, o := range prev {
				if o.PasswordStore != config.PasswordInKeyring {
					continue
				}
				if n, ok := now[o.Name]; ok && n.PasswordStore == config.PasswordInKeyring {
					continue
				}
				if err := s.store.Delete(o.Name); err != nil && !errors.Is(err, secret.ErrNotFound) {
					p.o.log.Warn("keyring: delete the password of a removed account", "account", o.Name, "error", err)
				}
			}
		}
		if inFile {
			s.mu.Lock()
			first := !s.noticed
			s.noticed = true
			s.mu.Unlock()
			if first {
				text := fmt.Sprintf("No keyring on this system: passwords are kept in %s, readable only by you", path)
				p.o.log.Info(text)
				p.bus.Publish(NoticeEvent{Text: text})
			}
		}
	}
}

// sameLine reports whether a running line for b can serve a: where the
// password is kept does not matter to the registration.
func sameLine(a, b config.Account) bool {
	a.PasswordStore, b.PasswordStore = "", ""
	return a == b
}
