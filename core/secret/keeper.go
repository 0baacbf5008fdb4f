package secret

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/softphone/softphone/core/config"
)

// Keeper is one phone's use of its password store: it fills in the
// passwords of keyring accounts at start, remembers why one could not be
// read, and decides where each password goes when the accounts are saved.
type Keeper struct {
	store Store // nil: none
	log   *slog.Logger

	// mu guards what follows; nothing is called while holding it.
	mu      sync.Mutex
	probed  bool
	avail   bool
	noticed bool
	missing map[string]string // account → why its keyring password could not be read
}

// NewKeeper keeps passwords in store (nil: none, they stay in the file).
func NewKeeper(store Store, log *slog.Logger) *Keeper {
	if log == nil {
		log = slog.Default()
	}
	return &Keeper{store: store, log: log}
}

// available probes the store the first time only.
func (k *Keeper) available() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.probed {
		k.probed = true
		k.avail = Available(k.store)
	}
	return k.avail
}

func (k *Keeper) setMissing(name, reason string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.missing == nil {
		k.missing = map[string]string{}
	}
	k.missing[name] = reason
}

// Missing says whether the keyring password of account name could not be
// read at Load, and why.
func (k *Keeper) Missing(name string) (reason string, missing bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	r, ok := k.missing[name]
	return r, ok
}

// Load fills in the password of every keyring account of cfg. An account
// whose password cannot be read keeps an empty one, and Missing says why:
// its registration fails with that reason, the other accounts are
// unaffected.
func (k *Keeper) Load(cfg *config.Config) {
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		if a.PasswordStore != config.PasswordInKeyring || a.Password != "" {
			continue
		}
		var reason string
		if k.store == nil {
			reason = ErrNotFound.Error() + " (no keyring in use)"
		} else if pw, err := k.store.Get(a.Name); err != nil {
			reason = ErrNotFound.Error()
			if !errors.Is(err, ErrNotFound) {
				reason += ": " + err.Error()
			}
		} else if pw == "" {
			reason = ErrNotFound.Error()
		} else {
			a.Password = pw
			continue
		}
		k.setMissing(a.Name, reason)
		k.log.Warn("account password unavailable", "account", a.Name, "reason", reason)
	}
}

// Place decides, before next is saved, where each password goes: into
// the keyring when there is one (the account gets password_store =
// "keyring", so Save leaves the password out of the file), else into the
// file (mode 0600). prev are the accounts in force. The returned function
// runs after a successful save: it deletes the keyring entries of removed
// accounts (and of accounts whose password left the keyring), and returns,
// once per Keeper, the notice that passwords are in the file at path.
func (k *Keeper) Place(prev, next []config.Account, path string) (afterSave func() (notice string)) {
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
		case k.store != nil && k.available():
			if err := k.store.Set(a.Name, a.Password); err != nil {
				k.log.Warn("keyring: keeping the password in the file", "account", a.Name, "error", Scrub(err.Error(), a.Password))
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
	return func() string {
		k.forget(prev, next)
		if !inFile {
			return ""
		}
		k.mu.Lock()
		first := !k.noticed
		k.noticed = true
		k.mu.Unlock()
		if !first {
			return ""
		}
		return fmt.Sprintf("No keyring on this system: passwords are kept in %s, readable only by you", path)
	}
}

// forget deletes the keyring entries no account of next keeps there.
func (k *Keeper) forget(prev, next []config.Account) {
	if k.store == nil {
		return
	}
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
		if err := k.store.Delete(o.Name); err != nil && !errors.Is(err, ErrNotFound) {
			k.log.Warn("keyring: delete the password of a removed account", "account", o.Name, "error", err)
		}
	}
}
