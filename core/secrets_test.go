package core_test

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	sipgo "github.com/emiago/sipgo/sip"
	"github.com/zalando/go-keyring"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/secret"
	"github.com/softphone/softphone/core/sip/siptest"
)

// secCanary is the password of these tests: any log line, event or error
// holding it is a leak.
const secCanary = "Zq7-keyring-canary-pw"

// secRegistrar is a UDP registrar that challenges every REGISTER and
// INVITE and accepts the answer only if it was made with password
// (refusing it with 403 otherwise). It records what it received.
type secRegistrar struct {
	conn     net.PacketConn
	password string
	mu       sync.Mutex
	raw      []string
}

func newSecRegistrar(t *testing.T, password string) *secRegistrar {
	t.Helper()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &secRegistrar{conn: conn, password: password}
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65536)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			r.mu.Lock()
			r.raw = append(r.raw, string(buf[:n]))
			r.mu.Unlock()
			msg, err := sipgo.ParseMessage(buf[:n])
			req, ok := msg.(*sipgo.Request)
			if err != nil || !ok || req.Method == sipgo.ACK {
				continue
			}
			if ans := r.answer(req); ans != "" {
				conn.WriteTo([]byte(ans), from)
			}
		}
	}()
	t.Cleanup(func() { conn.Close(); <-done })
	return r
}

var secAuthParam = regexp.MustCompile(`(\w+)=("([^"]*)"|[^,\s]+)`)

func (r *secRegistrar) answer(req *sipgo.Request) string {
	h := req.GetHeader("Authorization")
	if h == nil {
		return siptest.Reply(req, "401 Unauthorized", `WWW-Authenticate: Digest realm="example.com", nonce="n0nce", algorithm=MD5`)
	}
	p := map[string]string{}
	for _, m := range secAuthParam.FindAllStringSubmatch(strings.TrimPrefix(h.Value(), "Digest "), -1) {
		v := m[2]
		if strings.HasPrefix(v, `"`) {
			v = m[3]
		}
		p[strings.ToLower(m[1])] = v
	}
	md := func(parts ...string) string {
		s := md5.Sum([]byte(strings.Join(parts, ":")))
		return hex.EncodeToString(s[:])
	}
	ha1, ha2 := md(p["username"], p["realm"], r.password), md(req.Method.String(), p["uri"])
	want := md(ha1, p["nonce"], ha2)
	if p["qop"] != "" {
		want = md(ha1, p["nonce"], p["nc"], p["cnonce"], p["qop"], ha2)
	}
	if p["response"] != want {
		return siptest.Reply(req, "403 Forbidden")
	}
	if req.Method == sipgo.REGISTER {
		return siptest.Reply(req, "200 OK", fmt.Sprintf("Contact: <%s>;expires=600", req.Contact().Address.String()))
	}
	return siptest.Reply(req, "486 Busy Here")
}

func (r *secRegistrar) addr() string { return r.conn.LocalAddr().String() }

func (r *secRegistrar) received() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.raw, "\n")
}

// secConfig writes text as a config file and loads it.
func secConfig(t *testing.T, text string) *config.Config {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte("[sip]\nlisten = \"127.0.0.1:0\"\n"+text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func secAccount(name, password, proxy string) config.Account {
	return config.Account{Name: name, Username: name, Password: password, Domain: "example.com",
		Proxy: proxy, Transport: "udp", Expires: 600, Enabled: true}
}

// secPhone starts a phone and records every event it publishes.
type secPhone struct {
	*core.Engine
	mu     sync.Mutex
	events []core.Event
	ch     chan core.Event
}

func startSecPhone(t *testing.T, cfg *config.Config, opts ...core.Option) *secPhone {
	t.Helper()
	opts = append([]core.Option{core.WithAccountOptions(
		account.WithAttemptTimeout(time.Second), account.WithBackoff(100*time.Millisecond, 200*time.Millisecond),
	)}, opts...)
	p, err := core.New(cfg, opts...)
	if err != nil {
		t.Fatal(err)
	}
	sp := &secPhone{Engine: p, ch: make(chan core.Event, 1000)}
	events, _ := p.Events()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range events {
			sp.mu.Lock()
			sp.events = append(sp.events, e)
			sp.mu.Unlock()
			sp.ch <- e
		}
	}()
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		p.Close(ctx)
		<-done
	})
	return sp
}

func (sp *secPhone) recorded() []core.Event {
	sp.mu.Lock()
	defer sp.mu.Unlock()
	return append([]core.Event(nil), sp.events...)
}

func (sp *secPhone) notices() []core.NoticeEvent {
	var out []core.NoticeEvent
	for _, e := range sp.recorded() {
		if n, ok := e.(core.NoticeEvent); ok {
			out = append(out, n)
		}
	}
	return out
}

func (sp *secPhone) wait(t *testing.T, name string, states ...account.State) account.Status {
	t.Helper()
	return waitStatus(t, sp.ch, name, 10*time.Second, states...)
}

// waitFailed waits until every named account has failed once.
func (sp *secPhone) waitFailed(t *testing.T, names ...string) {
	t.Helper()
	left := map[string]bool{}
	for _, n := range names {
		left[n] = true
	}
	deadline := time.After(10 * time.Second)
	for len(left) > 0 {
		select {
		case e := <-sp.ch:
			re, ok := e.(core.RegistrationEvent)
			if !ok {
				continue
			}
			if re.State == account.Registered {
				t.Fatalf("%s registered: %+v", re.Account, re.Status)
			}
			if re.State == account.Failed {
				delete(left, re.Account)
			}
		case <-deadline:
			t.Fatalf("%v did not fail within 10s", left)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestKeyringPasswordRoundTrip saves an account from the editor into the
// keyring, reloads the file and registers with the password from it.
func TestKeyringPasswordRoundTrip(t *testing.T) {
	keyring.MockInit()
	reg := newSecRegistrar(t, secCanary)
	cfg := secConfig(t, "")
	p := startSecPhone(t, cfg, core.WithSecrets(secret.Keyring()))
	if err := p.UpdateAccounts(context.Background(), []config.Account{secAccount("alice", secCanary, reg.addr())}); err != nil {
		t.Fatal(err)
	}
	if s := p.wait(t, "alice", account.Registered, account.Failed); s.State != account.Registered {
		t.Fatalf("alice: %+v", s)
	}
	text := readFile(t, cfg.Path)
	if strings.Contains(text, secCanary) || !strings.Contains(text, `password_store = "keyring"`) {
		t.Fatalf("file in keyring mode:\n%s", text)
	}
	if got, err := secret.Keyring().Get("alice"); err != nil || got != secCanary {
		t.Fatalf("keyring holds %q, %v", got, err)
	}
	if n := p.notices(); len(n) != 0 {
		t.Errorf("notice with a keyring: %v", n)
	}
	// Saving again (the editor saves every account) keeps it so.
	if err := p.UpdateAccounts(context.Background(), p.Config().Accounts); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(readFile(t, cfg.Path), secCanary) {
		t.Fatal("second save wrote the password")
	}

	loaded, err := config.Load(cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	if a := loaded.Accounts[0]; a.Password != "" || a.PasswordStore != config.PasswordInKeyring {
		t.Fatalf("loaded %#v", a)
	}
	q := startSecPhone(t, loaded, core.WithSecrets(secret.Keyring()))
	if got := q.Config().Accounts[0].Password; got != secCanary {
		t.Fatalf("password after load = %q", got)
	}
	if s := q.wait(t, "alice", account.Registered, account.Failed); s.State != account.Registered {
		t.Fatalf("alice after reload: %+v", s)
	}
}

// TestKeyringEntryOfRemovedAccountIsDeleted also covers a cleared password.
func TestKeyringEntryOfRemovedAccountIsDeleted(t *testing.T) {
	keyring.MockInit()
	store := secret.Keyring()
	cfg := secConfig(t, "")
	p, err := core.New(cfg, core.WithSecrets(store))
	if err != nil {
		t.Fatal(err)
	}
	alice, bob := secAccount("alice", "a-"+secCanary, ""), secAccount("bob", "b-"+secCanary, "")
	if err := p.UpdateAccounts(context.Background(), []config.Account{alice, bob}); err != nil {
		t.Fatal(err)
	}
	if err := p.UpdateAccounts(context.Background(), p.Config().Accounts[1:]); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("alice"); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("removed account's entry: %v", err)
	}
	bob = p.Config().Accounts[0]
	bob.Password = ""
	if err := p.UpdateAccounts(context.Background(), []config.Account{bob}); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("bob"); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("cleared password's entry: %v", err)
	}
	if a := p.Config().Accounts[0]; a.PasswordStore != "" {
		t.Fatalf("cleared password still in keyring mode: %#v", a)
	}
}

// failingStore is a system without a keyring.
type failingStore struct{}

var errNoKeyring = errors.New("no keyring here")

func (failingStore) Get(string) (string, error) { return "", errNoKeyring }
func (failingStore) Set(string, string) error   { return errNoKeyring }
func (failingStore) Delete(string) error        { return errNoKeyring }

// TestNoKeyringKeepsPasswordInFileAndSaysSoOnce.
func TestNoKeyringKeepsPasswordInFileAndSaysSoOnce(t *testing.T) {
	for name, store := range map[string]secret.Store{"failing store": failingStore{}, "go-keyring error": secret.Keyring(), "none": nil} {
		t.Run(name, func(t *testing.T) {
			keyring.MockInitWithError(errors.New("org.freedesktop.secrets was not provided"))
			t.Cleanup(keyring.MockInit)
			path := filepath.Join(t.TempDir(), "sub", "config.toml")
			cfg, err := config.Parse(path, nil) // first start: no file yet
			if err != nil {
				t.Fatal(err)
			}
			cfg.SIP.Listen = "127.0.0.1:0"
			var opts []core.Option
			if store != nil {
				opts = append(opts, core.WithSecrets(store))
			}
			p := startSecPhone(t, cfg, opts...)
			for i := range 3 {
				accts := []config.Account{secAccount("alice", secCanary, "")}
				if i == 2 {
					accts = append(accts, secAccount("bob", "b-"+secCanary, ""))
				}
				if err := p.UpdateAccounts(context.Background(), accts); err != nil {
					t.Fatal(err)
				}
			}
			loaded, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if a := loaded.Accounts[0]; a.Password != secCanary || a.PasswordStore != "" {
				t.Fatalf("loaded %#v", a)
			}
			// Windows has no mode bits: there the profile directory is private.
			if fi, err := os.Stat(path); err != nil || runtime.GOOS != "windows" && fi.Mode().Perm() != 0o600 {
				t.Fatalf("file mode: %v %v", fi.Mode(), err)
			}
			time.Sleep(50 * time.Millisecond) // let the bus deliver
			n := p.notices()
			if len(n) != 1 {
				t.Fatalf("notices = %v, want one", n)
			}
			want := "No keyring on this system: passwords are kept in " + path + ", readable only by you"
			if n[0].Text != want {
				t.Errorf("notice %q, want %q", n[0].Text, want)
			}
			if b, _ := json.Marshal(n[0]); !strings.HasPrefix(string(b), `{"event":"notice","text":`) {
				t.Errorf("notice JSON %s", b)
			}
		})
	}
}

// TestKeyringMissingPasswordFailsOnlyThatAccount.
func TestKeyringMissingPasswordFailsOnlyThatAccount(t *testing.T) {
	keyring.MockInit()
	reg := newSecRegistrar(t, secCanary)
	cfg := secConfig(t, fmt.Sprintf(`
[[account]]
name = "alice"
username = "alice"
domain = "example.com"
proxy = %q
password_store = "keyring"

[[account]]
name = "bob"
username = "bob"
domain = "example.com"
proxy = %q
password = %q
`, reg.addr(), reg.addr(), secCanary))
	p := startSecPhone(t, cfg, core.WithSecrets(secret.Keyring()))
	settled := map[string]account.Status{}
	deadline := time.After(10 * time.Second)
	for len(settled) < 2 {
		select {
		case e := <-p.ch:
			if re, ok := e.(core.RegistrationEvent); ok && (re.State == account.Registered || re.State == account.Failed) {
				if _, seen := settled[re.Account]; !seen {
					settled[re.Account] = re.Status
				}
			}
		case <-deadline:
			t.Fatalf("settled only %v", settled)
		}
	}
	if s := settled["alice"]; s.State != account.Failed || s.Reason != "password not found in the keyring" || s.RetryIn != 0 {
		t.Fatalf("alice: %+v", s)
	}
	if s := settled["bob"]; s.State != account.Registered {
		t.Fatalf("bob: %+v", s)
	}
	if strings.Contains(reg.received(), "alice") {
		t.Errorf("alice registered without a password:\n%s", reg.received())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := p.Close(ctx); err != nil {
		t.Errorf("Close: %v", err)
	}
}
