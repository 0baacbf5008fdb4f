package secret

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

const canary = "Pw-canary-7Qx"

func TestKeyringRoundTrip(t *testing.T) {
	keyring.MockInit()
	s := Keyring()
	if !Available(s) {
		t.Fatal("mock keyring unavailable")
	}
	if _, err := s.Get("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get of a missing entry: %v", err)
	}
	if err := s.Set("alice", canary); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Get("alice"); err != nil || got != canary {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if got, _ := keyring.Get(Service, "alice"); got != canary {
		t.Fatalf("not filed under service %q", Service)
	}
	if err := s.Delete("alice"); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	if _, err := keyring.Get(Service, probeAccount); !errors.Is(err, keyring.ErrNotFound) {
		t.Fatalf("Available left its probe entry: %v", err)
	}
}

// TestKeyringErrorsNeverHoldThePassword uses a backend whose errors echo
// the password, the worst case.
func TestKeyringErrorsNeverHoldThePassword(t *testing.T) {
	keyring.MockInitWithError(errors.New("backend refused " + canary))
	t.Cleanup(keyring.MockInit)
	s := Keyring()
	if Available(s) {
		t.Fatal("failing keyring reported available")
	}
	err := s.Set("alice", canary)
	if err == nil {
		t.Fatal("Set succeeded")
	}
	for e := error(err); e != nil; e = errors.Unwrap(e) {
		if strings.Contains(e.Error(), canary) {
			t.Fatalf("error chain holds the password: %q", e.Error())
		}
	}
	if !strings.Contains(err.Error(), "keyring: set alice") {
		t.Errorf("error %q does not say what failed", err)
	}
}

type hangingStore struct{ stop chan struct{} }

func (h hangingStore) Get(string) (string, error) { <-h.stop; return "", errors.New("stopped") }
func (h hangingStore) Set(string, string) error   { <-h.stop; return errors.New("stopped") }
func (h hangingStore) Delete(string) error        { <-h.stop; return errors.New("stopped") }

func TestAvailableGivesUpOnAHangingStore(t *testing.T) {
	defer func(d time.Duration) { probeTimeout = d }(probeTimeout)
	probeTimeout = 50 * time.Millisecond
	h := hangingStore{stop: make(chan struct{})}
	defer close(h.stop)
	if Available(h) || Available(nil) {
		t.Fatal("hanging or nil store reported available")
	}
}

func TestScrub(t *testing.T) {
	if got := Scrub("a "+canary+" b "+canary, canary, ""); got != "a [redacted] b [redacted]" {
		t.Fatalf("Scrub = %q", got)
	}
}
