// Package secret keeps account passwords out of the configuration file:
// a Store holds passwords by entry (an account name, or TURNEntry of one
// for its TURN password), and Keyring is the operating system's store
// (Secret Service on Linux and the BSDs, the Keychain on macOS, the
// Credential Manager on Windows).
//
// No error of this package contains a password.
package secret

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// ErrNotFound means the store has no password for the account.
var ErrNotFound = errors.New("password not found in the keyring")

// Store holds passwords by account name. Implementations must be safe for
// concurrent use, and their errors must never contain a password.
type Store interface {
	Get(account string) (string, error)
	Set(account, password string) error
	Delete(account string) error
}

// probeAccount is the entry Available writes and removes; the parentheses
// keep it from clashing with an account (names allow only letters,
// digits, '.', '_' and '-').
const probeAccount = "(availability probe)"

// probeTimeout bounds Available: a store that hangs (a D-Bus service that
// never answers) counts as unavailable.
var probeTimeout = 10 * time.Second

// Available reports whether s works: it sets, reads back and deletes a
// probe entry, once per call. A nil store is unavailable.
func Available(s Store) bool {
	if s == nil {
		return false
	}
	done := make(chan bool, 1)
	go func() { done <- probe(s) }()
	select {
	case ok := <-done:
		return ok
	case <-time.After(probeTimeout):
		return false
	}
}

func probe(s Store) bool {
	b := make([]byte, 8)
	rand.Read(b)
	want := "probe-" + hex.EncodeToString(b)
	if err := s.Set(probeAccount, want); err != nil {
		return false
	}
	got, err := s.Get(probeAccount)
	derr := s.Delete(probeAccount)
	return err == nil && got == want && derr == nil
}

// Error is a failed store operation. Its text names the operation and the
// account, never the password; errors.Is(err, ErrNotFound) holds when the
// account has no entry.
type Error struct {
	Op      string // "get", "set" or "delete"
	Account string
	msg     string // the cause, with any password removed
	cause   error  // ErrNotFound, or an error holding msg only
}

func (e *Error) Error() string {
	return "keyring: " + e.Op + " " + e.Account + ": " + e.msg
}

func (e *Error) Unwrap() error { return e.cause }

// newError wraps err for op on account, scrubbing every secret (the
// password being set, if any) from its text. The original error is not
// kept: it could be printed through Unwrap.
func newError(op, account string, err error, notFound bool, secrets ...string) error {
	if notFound {
		return &Error{Op: op, Account: account, msg: ErrNotFound.Error(), cause: ErrNotFound}
	}
	msg := Scrub(err.Error(), secrets...)
	return &Error{Op: op, Account: account, msg: msg, cause: errors.New(msg)}
}

// Scrub returns s with every non-empty secret replaced by "[redacted]".
func Scrub(s string, secrets ...string) string {
	for _, p := range secrets {
		if p != "" {
			s = strings.ReplaceAll(s, p, "[redacted]")
		}
	}
	return s
}
