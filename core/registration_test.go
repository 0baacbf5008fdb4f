package core_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/internal/testlab"
)

// acct is one [[account]] of a test configuration.
type acct struct {
	name, user, password, transport, proxy, caFile string
	expires                                        int
}

func writeConfig(t *testing.T, k *testlab.Kamailio, accounts ...acct) *config.Config {
	t.Helper()
	var b strings.Builder
	b.WriteString("[sip]\nlisten = \"127.0.0.1:0\"\n")
	for _, a := range accounts {
		fmt.Fprintf(&b, "\n[[account]]\nname = %q\nusername = %q\npassword = %q\ndomain = %q\nproxy = %q\ntransport = %q\n",
			a.name, a.user, a.password, k.Domain, a.proxy, a.transport)
		if a.caFile != "" {
			fmt.Fprintf(&b, "ca_file = %q\n", a.caFile)
		}
		if a.expires != 0 {
			fmt.Fprintf(&b, "expires = %d\n", a.expires)
		}
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

// startPhone starts a phone with quick retries and gathers its events.
func startPhone(t *testing.T, cfg *config.Config, opts ...core.Option) (*core.Engine, <-chan core.Event) {
	t.Helper()
	opts = append([]core.Option{core.WithAccountOptions(
		account.WithAttemptTimeout(2*time.Second),
		account.WithBackoff(200*time.Millisecond, time.Second),
	)}, opts...)
	p, err := core.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	events, _ := p.Events()
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Close(ctx)
	})
	return p, events
}

// waitStatus returns the first registration status of name in one of states.
func waitStatus(t *testing.T, events <-chan core.Event, name string, within time.Duration, states ...account.State) account.Status {
	t.Helper()
	return waitFor(t, events, within, fmt.Sprintf("%s %v", name, states), func(e core.Event) bool {
		re, ok := e.(core.RegistrationEvent)
		return ok && re.Account == name && slices.Contains(states, re.State)
	}).(core.RegistrationEvent).Status
}

func mustContacts(t *testing.T, k *testlab.Kamailio, user string) []string {
	t.Helper()
	c, err := k.Contacts(user)
	if err != nil {
		t.Fatalf("kamcmd: %v\n%s", err, k.Log())
	}
	return c
}

func TestRegisterOverEachTransportAndUnregisterOnClose(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: true})
	for _, tc := range []struct{ transport, proxy, ca string }{
		{"udp", k.UDPAddr, ""},
		{"tcp", k.TCPAddr, ""},
		{"tls", k.TLSAddr, k.CAFile},
	} {
		t.Run(tc.transport, func(t *testing.T) {
			cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: tc.transport, proxy: tc.proxy, caFile: tc.ca})
			p, events := startPhone(t, cfg)
			s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
			if s.State != account.Registered {
				t.Fatalf("alice over %s: %v %s\n%s", tc.transport, s.State, s.Reason, k.Log())
			}
			if s.Expires <= 0 || s.Code != 200 {
				t.Fatalf("status %+v", s)
			}
			contacts := mustContacts(t, k, "alice")
			port := strings.TrimPrefix(p.State().Listen, "127.0.0.1")
			if len(contacts) != 1 || !strings.Contains(contacts[0], port) {
				t.Fatalf("registrar has contacts %q, want one with our port %s", contacts, port)
			}
			if tc.transport != "udp" && !strings.Contains(contacts[0], "transport="+tc.transport) {
				t.Fatalf("contact %q lacks transport=%s", contacts[0], tc.transport)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			if err := p.Close(ctx); err != nil {
				t.Fatalf("close: %v", err)
			}
			t.Logf("%s: unregistered in %v", tc.transport, time.Since(start))
			if c := mustContacts(t, k, "alice"); len(c) != 0 {
				t.Fatalf("contacts left after unregister: %q", c)
			}
		})
	}
}

func TestWrongPasswordFailsWithServersReason(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "not-the-password", transport: "udp", proxy: k.UDPAddr})
	_, events := startPhone(t, cfg)
	s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
	if s.State != account.Failed || s.Code != 401 || !strings.Contains(s.Reason, "401 Unauthorized") {
		t.Fatalf("status %+v, want failed with 401 Unauthorized", s)
	}
	if strings.Contains(s.Reason, "not-the-password") {
		t.Fatal("the reason shows the password")
	}
	if s.RetryIn != 0 {
		t.Fatalf("a refused password is retried in %v", s.RetryIn)
	}
	if c := mustContacts(t, k, "alice"); len(c) != 0 {
		t.Fatalf("contacts %q registered with a wrong password", c)
	}
}

func TestTLSRefusesAServerItCannotVerify(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{TLS: true})
	// No ca_file: the test CA is not among the system roots.
	cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: "tls", proxy: k.TLSAddr})
	_, events := startPhone(t, cfg)
	s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
	if s.State != account.Failed || !strings.Contains(s.Reason, "certificate") {
		t.Fatalf("status %+v, want failed on the certificate", s)
	}
	if c := mustContacts(t, k, "alice"); len(c) != 0 {
		t.Fatalf("registered over unverified TLS: %q", c)
	}
}

func TestRecoversWhenTheServerStartsLater(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	for _, transport := range []string{"udp", "tcp"} {
		t.Run(transport, func(t *testing.T) {
			k := testlab.NewKamailio(t, testlab.KamailioOptions{}) // not started
			proxy := k.UDPAddr
			if transport == "tcp" {
				proxy = k.TCPAddr
			}
			cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: transport, proxy: proxy})
			_, events := startPhone(t, cfg)
			s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
			if s.State != account.Failed || s.RetryIn <= 0 {
				t.Fatalf("with no server: %+v, want failed with a retry", s)
			}
			if err := k.Start(); err != nil {
				t.Fatal(err)
			}
			s = waitStatus(t, events, "alice", 15*time.Second, account.Registered)
			if c := mustContacts(t, k, "alice"); len(c) != 1 {
				t.Fatalf("contacts %q after recovery", c)
			}
		})
	}
}

func TestRefreshesBeforeTheGrantedExpiry(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{MinExpires: 1, MaxExpires: 2})
	cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: "udp", proxy: k.UDPAddr})
	_, events := startPhone(t, cfg)
	first := waitStatus(t, events, "alice", 10*time.Second, account.Registered)
	if first.Expires != 2 {
		t.Fatalf("granted %d s, want the registrar's max of 2", first.Expires)
	}
	// Three refreshes; a contact that lapsed in between would show as a
	// missing contact or a failure.
	for i := range 3 {
		s := waitStatus(t, events, "alice", 5*time.Second, account.Registered, account.Failed)
		if s.State != account.Registered {
			t.Fatalf("refresh %d: %+v", i+1, s)
		}
		if c := mustContacts(t, k, "alice"); len(c) != 1 {
			t.Fatalf("refresh %d: contacts %q", i+1, c)
		}
	}
}

func TestIntervalTooBriefFromARealRegistrar(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{MinExpires: 120, MinExpiresReply: true})
	cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: "udp", proxy: k.UDPAddr, expires: 30})
	_, events := startPhone(t, cfg)
	s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
	if s.State != account.Registered || s.Expires < 120 {
		t.Fatalf("status %+v, want registered for at least the 120 s Min-Expires", s)
	}
}

func TestSHA256Digest(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{Algorithm: "SHA-256"})
	cfg := writeConfig(t, k, acct{name: "alice", user: "alice", password: "alice-secret", transport: "udp", proxy: k.UDPAddr})
	_, events := startPhone(t, cfg)
	s := waitStatus(t, events, "alice", 10*time.Second, account.Registered, account.Failed)
	if s.State != account.Registered {
		t.Fatalf("SHA-256 challenge: %+v\n%s", s, k.Log())
	}
}

func TestTwoAccountsRegisterIndependently(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := writeConfig(t, k,
		acct{name: "alice", user: "alice", password: "alice-secret", transport: "udp", proxy: k.UDPAddr},
		acct{name: "bob", user: "bob", password: "bob-secret", transport: "tcp", proxy: k.TCPAddr},
		acct{name: "carol", user: "carol", password: "wrong", transport: "udp", proxy: k.UDPAddr},
	)
	p, events := startPhone(t, cfg)
	got := map[string]account.State{}
	deadline := time.After(10 * time.Second)
	for len(got) < 3 {
		select {
		case e := <-events:
			if re, ok := e.(core.RegistrationEvent); ok && (re.State == account.Registered || re.State == account.Failed) {
				got[re.Account] = re.State
			}
		case <-deadline:
			t.Fatalf("settled: %v", got)
		}
	}
	want := map[string]account.State{"alice": account.Registered, "bob": account.Registered, "carol": account.Failed}
	for name, st := range want {
		if got[name] != st {
			t.Fatalf("%s is %v, want %v (all: %v)", name, got[name], st, got)
		}
	}
	for _, u := range []string{"alice", "bob"} {
		if c := mustContacts(t, k, u); len(c) != 1 {
			t.Fatalf("%s contacts %q", u, c)
		}
	}
	if snap := p.State(); len(snap.Accounts) != 3 {
		t.Fatalf("snapshot %+v", snap)
	}
}
