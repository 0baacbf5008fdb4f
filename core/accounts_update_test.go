package core_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/internal/testlab"
)

// TestUpdateAccountsAtRuntime adds an account to a running phone (as the
// account editor does), checks it registers and is saved, then removes it.
func TestUpdateAccountsAtRuntime(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: true})
	path := filepath.Join(t.TempDir(), "config.toml")
	original := "# my phone\n[sip]\nlisten = \"127.0.0.1:0\" # loopback only\n"
	if err := os.WriteFile(path, []byte(original), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, events := startPhone(t, cfg)

	bad := config.Account{Name: "alice", Username: "alice", Domain: "bad domain", Transport: "udp", Expires: 600, Enabled: true}
	if err := p.UpdateAccounts(context.Background(), []config.Account{bad}); err == nil || !strings.Contains(err.Error(), "domain") {
		t.Fatalf("invalid account accepted: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != original {
		t.Fatalf("a refused update changed the file:\n%s", b)
	}

	alice := config.Account{Name: "alice", Username: "alice", Password: "alice-secret", Domain: k.Domain,
		Proxy: k.TLSAddr, Transport: "tls", CAFile: k.CAFile, Expires: 600, Enabled: true}
	if err := p.UpdateAccounts(context.Background(), []config.Account{alice}); err != nil {
		t.Fatal(err)
	}
	// A TLS account whose CA was unknown at start: the trust follows.
	s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
	if s.State != account.Registered {
		t.Fatalf("added account: %+v\n%s", s, k.Log())
	}
	saved, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := saved.Account("alice"); !ok || got.Password != "alice-secret" {
		t.Fatalf("saved accounts %+v", saved.Accounts)
	}
	if b, _ := os.ReadFile(path); !strings.HasPrefix(string(b), original) {
		t.Fatalf("the user's text was not kept:\n%s", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}

	if err := p.UpdateAccounts(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, events, "alice", 5*time.Second, account.Unregistered)
	if c := mustContacts(t, k, "alice"); len(c) != 0 {
		t.Fatalf("removed account left contacts %q", c)
	}
	if len(p.State().Accounts) != 0 || len(p.Config().Accounts) != 0 {
		t.Fatalf("account still there: %+v", p.State())
	}
}
