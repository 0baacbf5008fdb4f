package core

import (
	"context"

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
	return func(o *options) { o.secrets = s }
}

// registrar makes the registration of l: a real one, or, for a keyring
// account whose password could not be read, one that fails with why.
func (p *Engine) registrar(ua *sip.UA, l *line) (account.Registrar, error) {
	if l.Cfg.PasswordStore == config.PasswordInKeyring && l.Cfg.Password == "" {
		reason, missing := p.keeper.Missing(l.Cfg.Name)
		if !missing {
			reason = secret.ErrNotFound.Error()
		}
		return missingPassword{reason: reason}, nil
	}
	reg, err := ua.NewRegistration(l.Target())
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
