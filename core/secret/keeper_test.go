package secret

import (
	"bytes"
	"errors"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"testing"

	"github.com/softphone/softphone/core/config"
)

const turnCanary = "Turn-canary-9Zk"

// memStore is an in-memory Store counting writes; refuse makes Set fail
// for entries it matches, with an error echoing the password (the worst
// case a backend could do).
type memStore struct {
	mu     sync.Mutex // guards what follows
	m      map[string]string
	sets   []string // entries written, in order (not the probe)
	refuse func(entry string) bool
}

func newMemStore() *memStore { return &memStore{m: map[string]string{}} }

func (s *memStore) Get(entry string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pw, ok := s.m[entry]
	if !ok {
		return "", &Error{Op: "get", Account: entry, msg: ErrNotFound.Error(), cause: ErrNotFound}
	}
	return pw, nil
}

func (s *memStore) Set(entry, pw string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refuse != nil && s.refuse(entry) {
		return errors.New("backend refused " + pw)
	}
	if entry != probeAccount {
		s.sets = append(s.sets, entry)
	}
	s.m[entry] = pw
	return nil
}

func (s *memStore) Delete(entry string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[entry]; !ok {
		return &Error{Op: "delete", Account: entry, msg: ErrNotFound.Error(), cause: ErrNotFound}
	}
	delete(s.m, entry)
	return nil
}

func (s *memStore) snapshot() (map[string]string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sets := s.sets
	s.sets = nil
	return maps.Clone(s.m), sets
}

func turnAccount(name string) config.Account {
	return config.Account{Name: name, Username: name, Domain: "example.com", Password: "sip-" + name,
		Media: config.Media{TURNServer: "turn.example.com", TURNUsername: name, TURNPassword: turnCanary + name}}
}

func newTestKeeper(s Store) (*Keeper, *bytes.Buffer) {
	var buf bytes.Buffer
	return NewKeeper(s, slog.New(slog.NewTextHandler(&buf, nil))), &buf
}

func TestKeeperLoadsTURNPassword(t *testing.T) {
	s := newMemStore()
	s.m["a"], s.m[TURNEntry("a")] = "sip-a", turnCanary
	s.m["b"] = "sip-b"
	s.m["c"], s.m[TURNEntry("c")] = "sip-c", "unused"
	cfg := &config.Config{Accounts: []config.Account{
		{Name: "a", PasswordStore: config.PasswordInKeyring, Media: config.Media{TURNServer: "turn.example.com"}},
		{Name: "b", PasswordStore: config.PasswordInKeyring, Media: config.Media{TURNServer: "turn.example.com"}},
		{Name: "c", PasswordStore: config.PasswordInKeyring}, // no TURN server: its password is not read
	}}
	k, logs := newTestKeeper(s)
	k.Load(cfg)
	if a := cfg.Accounts[0]; a.Password != "sip-a" || a.TURNPassword != turnCanary {
		t.Errorf("account a: password %q, TURN password %q", a.Password, a.TURNPassword)
	}
	if b := cfg.Accounts[1]; b.Password != "sip-b" || b.TURNPassword != "" {
		t.Errorf("account b: %#v", b)
	}
	if c := cfg.Accounts[2]; c.Password != "sip-c" || c.TURNPassword != "" {
		t.Errorf("account c: %#v", c)
	}
	if reason, missing := k.MissingTURN("b"); !missing || !strings.Contains(reason, ErrNotFound.Error()) {
		t.Errorf("MissingTURN(b) = %q, %v", reason, missing)
	}
	if _, missing := k.Missing("b"); missing {
		t.Error("the SIP password of b is reported missing")
	}
	for _, name := range []string{"a", "c"} {
		if _, missing := k.MissingTURN(name); missing {
			t.Errorf("MissingTURN(%s)", name)
		}
	}
	if strings.Contains(logs.String(), turnCanary) || !strings.Contains(logs.String(), "TURN password unavailable") {
		t.Errorf("log:\n%s", logs)
	}

	k, _ = newTestKeeper(nil)
	cfg = &config.Config{Accounts: []config.Account{{Name: "a", PasswordStore: config.PasswordInKeyring, Media: config.Media{TURNServer: "t"}}}}
	k.Load(cfg)
	if _, missing := k.MissingTURN("a"); !missing {
		t.Error("no store: TURN password not reported missing")
	}
}

// TestKeeperPlacesTURNPasswordWithTheSIPPassword follows one account
// through moves into the keyring, unchanged saves, edits and removal.
func TestKeeperPlacesTURNPasswordWithTheSIPPassword(t *testing.T) {
	s := newMemStore()
	k, logs := newTestKeeper(s)
	save := func(prev, next []config.Account) string {
		t.Helper()
		return k.Place(prev, next, "config.toml")()
	}

	// From the file into the keyring: both entries written.
	prev := []config.Account{turnAccount("a")}
	next := []config.Account{turnAccount("a")}
	if notice := save(prev, next); notice != "" {
		t.Errorf("notice %q with a keyring", notice)
	}
	m, sets := s.snapshot()
	if next[0].PasswordStore != config.PasswordInKeyring || m["a"] != "sip-a" || m[TURNEntry("a")] != turnCanary+"a" || len(sets) != 2 {
		t.Fatalf("store %q, writes %q, account %#v", m, sets, next[0])
	}

	// Unchanged: no write at all.
	prev = next
	next = []config.Account{prev[0]}
	save(prev, next)
	if _, sets := s.snapshot(); len(sets) != 0 || next[0].PasswordStore != config.PasswordInKeyring {
		t.Errorf("unchanged account wrote %q", sets)
	}

	// A new TURN password: that entry only.
	prev = next
	next = []config.Account{prev[0]}
	next[0].TURNPassword = turnCanary + "2"
	save(prev, next)
	if m, sets := s.snapshot(); len(sets) != 1 || sets[0] != TURNEntry("a") || m[TURNEntry("a")] != turnCanary+"2" {
		t.Errorf("store %q, writes %q", m, sets)
	}

	// TURN password cleared: its entry goes, the SIP one stays.
	prev = next
	next = []config.Account{prev[0]}
	next[0].TURNPassword = ""
	save(prev, next)
	if m, _ := s.snapshot(); m["a"] != "sip-a" || len(m) != 1 || next[0].PasswordStore != config.PasswordInKeyring {
		t.Errorf("store %q after clearing the TURN password", m)
	}

	// Set again, then the account is removed: both entries go.
	prev = next
	next = []config.Account{prev[0]}
	next[0].TURNPassword = turnCanary
	save(prev, next)
	save(next, nil)
	if m, _ := s.snapshot(); len(m) != 0 {
		t.Errorf("store %q after removing the account", m)
	}
	if strings.Contains(logs.String(), turnCanary) {
		t.Errorf("log holds the TURN password:\n%s", logs)
	}
}

// TestKeeperKeepsUnreadTURNPassword: a TURN password that could not be
// read at start is neither overwritten nor deleted by a save.
func TestKeeperKeepsUnreadTURNPassword(t *testing.T) {
	s := newMemStore()
	k, _ := newTestKeeper(s)
	s.m["a"], s.m[TURNEntry("a")] = "sip-a", turnCanary
	a := turnAccount("a")
	a.Password, a.PasswordStore, a.TURNPassword = "sip-a", config.PasswordInKeyring, ""
	next := []config.Account{a}
	next[0].Expires = 60 // an unrelated edit
	k.Place([]config.Account{a}, next, "config.toml")()
	if m, sets := s.snapshot(); m[TURNEntry("a")] != turnCanary || len(sets) != 0 {
		t.Errorf("store %q, writes %q", m, sets)
	}
}

// TestKeeperTURNRefusedMovesBothToTheFile: when the keyring takes the SIP
// password but refuses the TURN one, both go to the file and the keyring
// keeps nothing of the account.
func TestKeeperTURNRefusedMovesBothToTheFile(t *testing.T) {
	s := newMemStore()
	s.refuse = func(entry string) bool { return strings.HasSuffix(entry, "/turn") }
	k, logs := newTestKeeper(s)
	next := []config.Account{turnAccount("a")}
	notice := k.Place([]config.Account{turnAccount("a")}, next, "config.toml")()
	if next[0].PasswordStore != "" || !strings.Contains(notice, "config.toml") {
		t.Errorf("account %#v, notice %q", next[0], notice)
	}
	if m, _ := s.snapshot(); len(m) != 0 {
		t.Errorf("keyring keeps %q", m)
	}
	if strings.Contains(logs.String(), turnCanary) || !strings.Contains(logs.String(), "keeping the passwords in the file") {
		t.Errorf("log:\n%s", logs)
	}

	// Already a keyring account with a new TURN password: the old
	// entries go once the file holds the passwords.
	s.refuse = nil
	prev := []config.Account{turnAccount("a")}
	k.Place(nil, prev, "config.toml")()
	s.refuse = func(entry string) bool { return strings.HasSuffix(entry, "/turn") }
	next = []config.Account{prev[0]}
	next[0].TURNPassword = turnCanary + "new"
	k.Place(prev, next, "config.toml")()
	if m, _ := s.snapshot(); next[0].PasswordStore != "" || len(m) != 0 {
		t.Errorf("account %#v, keyring keeps %q", next[0], m)
	}
}

func TestKeeperNoStoreKeepsTURNPasswordInFile(t *testing.T) {
	k, _ := newTestKeeper(nil)
	next := []config.Account{turnAccount("a")}
	if notice := k.Place(nil, next, "config.toml")(); next[0].PasswordStore != "" || notice == "" {
		t.Errorf("account %#v, notice %q", next[0], notice)
	}
}
