package secret

import (
	"errors"
	"sync"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service the passwords are filed under; the
// keyring's user is the account name (TURNEntry for its TURN password).
const Service = "softphone"

// keyringStore is the operating system's keyring through go-keyring.
type keyringStore struct {
	mu sync.Mutex // go-keyring's providers (its mock among them) are not all safe for concurrent use
}

// Keyring returns the operating system's keyring as a Store (service
// "softphone", user = account name). It may be unavailable (no Secret
// Service running, for one): see Available.
func Keyring() Store { return &keyringStore{} }

func (k *keyringStore) Get(account string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	pw, err := keyring.Get(Service, account)
	if err != nil {
		return "", newError("get", account, err, errors.Is(err, keyring.ErrNotFound))
	}
	return pw, nil
}

func (k *keyringStore) Set(account, password string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := keyring.Set(Service, account, password); err != nil {
		return newError("set", account, err, false, password)
	}
	return nil
}

func (k *keyringStore) Delete(account string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if err := keyring.Delete(Service, account); err != nil {
		return newError("delete", account, err, errors.Is(err, keyring.ErrNotFound))
	}
	return nil
}
