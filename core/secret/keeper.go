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
//
// An account's TURN password goes with its SIP password: in the keyring
// under TURNEntry(name) when the account's password_store is "keyring",
// else in the file.
type Keeper struct {
	store Store // nil: none
	log   *slog.Logger

	// mu guards what follows; nothing is called while holding it.
	mu      sync.Mutex
	probed  bool
	avail   bool
	noticed bool
	missing map[string]string // keyring entry (account, or TURNEntry) → why it could not be read
}

var errNoStore = errors.New("no keyring in use")

// TURNEntry is the keyring user of account's TURN password. Account names
// hold no '/', so it cannot be another account's entry.
func TURNEntry(account string) string { return account + "/turn" }

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

// MissingTURN says whether the keyring TURN password of account name
// could not be read at Load, and why.
func (k *Keeper) MissingTURN(name string) (reason string, missing bool) {
	return k.Missing(TURNEntry(name))
}

// Load fills in the password of every keyring account of cfg. An account
// whose password cannot be read keeps an empty one, and Missing says why:
// its registration fails with that reason, the other accounts are
// unaffected.
//
// The TURN password of a keyring account with a turn_server is read the
// same way; MissingTURN says why it could not be.
func (k *Keeper) Load(cfg *config.Config) {
	for i := range cfg.Accounts {
		a := &cfg.Accounts[i]
		if a.PasswordStore != config.PasswordInKeyring {
			continue
		}
		if a.Password == "" {
			if pw, reason := k.get(a.Name); reason != "" {
				k.setMissing(a.Name, reason)
				k.log.Warn("account password unavailable", "account", a.Name, "reason", reason)
			} else {
				a.Password = pw
			}
		}
		// Without a TURN server the password is of no use: no keyring
		// read (which may prompt) for it.
		if a.TURNServer != "" && a.TURNPassword == "" {
			if pw, reason := k.get(TURNEntry(a.Name)); reason != "" {
				k.setMissing(TURNEntry(a.Name), reason)
				k.log.Warn("account TURN password unavailable", "account", a.Name, "reason", reason)
			} else {
				a.TURNPassword = pw
			}
		}
	}
}

// get reads entry, or says why it cannot.
func (k *Keeper) get(entry string) (pw, reason string) {
	if k.store == nil {
		return "", ErrNotFound.Error() + " (no keyring in use)"
	}
	pw, err := k.store.Get(entry)
	switch {
	case err != nil:
		reason = ErrNotFound.Error()
		if !errors.Is(err, ErrNotFound) {
			reason += ": " + err.Error()
		}
		return "", reason
	case pw == "":
		return "", ErrNotFound.Error()
	}
	return pw, ""
}

// Place decides, before next is saved, where each password goes: into
// the keyring when there is one (the account gets password_store =
// "keyring", so Save leaves the password out of the file), else into the
// file (mode 0600). prev are the accounts in force. The returned function
// runs after a successful save: it deletes the keyring entries of removed
// accounts (and of accounts whose password left the keyring), and returns,
// once per Keeper, the notice that passwords are in the file at path.
//
// The TURN password follows the SIP password. Should the keyring refuse
// it, both go to the file; an account without a SIP password keeps its
// TURN password in the file.
func (k *Keeper) Place(prev, next []config.Account, path string) (afterSave func() (notice string)) {
	old := map[string]config.Account{}
	for _, a := range prev {
		old[a.Name] = a
	}
	inFile := false
	for i := range next {
		a := &next[i]
		o, had := old[a.Name]
		kept := had && o.PasswordStore == config.PasswordInKeyring
		switch {
		case a.Password == "":
			// Cleared by the user: nothing left to keep. An empty
			// password that was never read (keyring unreadable at
			// start) keeps its keyring entry.
			if a.PasswordStore == config.PasswordInKeyring && had && o.Password != "" {
				a.PasswordStore = ""
			}
		case kept && o.Password == a.Password && a.PasswordStore == config.PasswordInKeyring:
			// Already there: no write (and no unlock prompt).
		case k.store != nil && k.available():
			if err := k.store.Set(a.Name, a.Password); err != nil {
				k.log.Warn("keyring: keeping the password in the file", "account", a.Name, "error", Scrub(err.Error(), a.Password, a.TURNPassword))
				a.PasswordStore = ""
				inFile = true
			} else {
				a.PasswordStore = config.PasswordInKeyring
			}
		default:
			a.PasswordStore = ""
			inFile = true
		}
		if a.PasswordStore == config.PasswordInKeyring && !k.placeTURN(a, o, kept) {
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

// placeTURN writes the TURN password of a, a keyring account, to the
// keyring if it changed from o's (kept: o was a keyring account too). When
// the keyring refuses it, a's passwords go to the file and placeTURN
// returns false; a SIP password written just now is taken back.
func (k *Keeper) placeTURN(a *config.Account, o config.Account, kept bool) bool {
	if a.TURNPassword == "" || kept && o.TURNPassword == a.TURNPassword {
		return true // nothing new; forget deletes an entry that was cleared
	}
	err := errNoStore
	if k.store != nil {
		err = k.store.Set(TURNEntry(a.Name), a.TURNPassword)
	}
	if err == nil {
		return true
	}
	msg := Scrub(err.Error(), a.Password, a.TURNPassword)
	if a.Password == "" {
		// The SIP password could not be read at start: moving the
		// account to the file would lose it. The TURN password is not
		// saved; the log says so.
		k.log.Warn("keyring: TURN password not saved", "account", a.Name, "error", msg)
		return true
	}
	k.log.Warn("keyring: keeping the passwords in the file", "account", a.Name, "error", msg)
	if !kept && k.store != nil {
		if err := k.store.Delete(a.Name); err != nil && !errors.Is(err, ErrNotFound) {
			k.log.Warn("keyring: take back the password", "account", a.Name, "error", err)
		}
	}
	a.PasswordStore = ""
	return false
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
			// A TURN password that was never read stays.
			if o.TURNPassword != "" && n.TURNPassword == "" {
				k.delete(TURNEntry(o.Name), o.Name)
			}
			continue
		}
		k.delete(o.Name, o.Name)
		k.delete(TURNEntry(o.Name), o.Name)
	}
}

// delete removes entry (of account), which may not exist.
func (k *Keeper) delete(entry, account string) {
	if err := k.store.Delete(entry); err != nil && !errors.Is(err, ErrNotFound) {
		k.log.Warn("keyring: delete a password no account keeps", "account", account, "error", err)
	}
}
