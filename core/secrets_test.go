package core_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"regexp"
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
		return secReply(req, "401 Unauthorized", `WWW-Authenticate: Digest realm="example.com", nonce="n0nce", algorithm=MD5`)
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
		return secReply(req, "403 Forbidden")
	}
	if req.Method == sipgo.REGISTER {
		return secReply(req, "200 OK", fmt.Sprintf("Contact: <%s>;expires=600", req.Contact().Address.String()))
	}
	return secReply(req, "486 Busy Here")
}

func secReply(req *sipgo.Request, status string, headers ...string) string {
	var b strings.Builder
	b.WriteString("SIP/2.0 " + status + "\r\n")
	for _, h := range req.GetHeaders("Via") {
		b.WriteString(h.String() + "\r\n")
	}
	b.WriteString(req.From().String() + "\r\n")
	b.WriteString(req.To().String() + ";tag=registrar\r\n")
	b.WriteString(req.CallID().String() + "\r\n")
	b.WriteString(req.CSeq().String() + "\r\n")
	for _, h := range headers {
		b.WriteString(h + "\r\n")
	}
	b.WriteString("Content-Length: 0\r\n\r\n")
	return b.String()
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
	*core.Phone
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
	sp := &secPhone{Phone: p, ch: make(chan core.Event, 1000)}
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
	if err := p.UpdateAccounts([]config.Account{secAccount("alice", secCanary, reg.addr())}); err != nil {
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
	if err := p.UpdateAccounts(p.Config().Accounts); err != nil {
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
	if err := p.UpdateAccounts([]config.Account{alice, bob}); err != nil {
		t.Fatal(err)
	}
	if err := p.UpdateAccounts(p.Config().Accounts[1:]); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Get("alice"); !errors.Is(err, secret.ErrNotFound) {
		t.Fatalf("removed account's entry: %v", err)
	}
	bob = p.Config().Accounts[0]
	bob.Password = ""
	if err := p.UpdateAccounts([]config.Account{bob}); err != nil {
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
				if err := p.UpdateAccounts(accts); err != nil {
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
			if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
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

// secCapture is a slog handler keeping every record, with its attributes,
// as text.
type secCapture struct {
	mu  *sync.Mutex
	buf *bytes.Buffer
	h   slog.Handler
}

func newSecCapture() *secCapture {
	buf := new(bytes.Buffer)
	return &secCapture{mu: new(sync.Mutex), buf: buf, h: slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})}
}

func (c *secCapture) Enabled(context.Context, slog.Level) bool { return true }
func (c *secCapture) Handle(ctx context.Context, r slog.Record) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.h.Handle(ctx, r)
}
func (c *secCapture) WithAttrs(as []slog.Attr) slog.Handler {
	return &secCapture{mu: c.mu, buf: c.buf, h: c.h.WithAttrs(as)}
}
func (c *secCapture) WithGroup(g string) slog.Handler {
	return &secCapture{mu: c.mu, buf: c.buf, h: c.h.WithGroup(g)}
}
func (c *secCapture) String() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf.String()
}

// secTracer records sipgo's SIP message trace (sip.SIPDebug).
type secTracer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (s *secTracer) SIPTraceRead(tr, laddr, raddr string, msg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(&s.buf, "read %s %s <- %s\n%s\n", tr, laddr, raddr, msg)
}
func (s *secTracer) SIPTraceWrite(tr, laddr, raddr string, msg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(&s.buf, "write %s %s -> %s\n%s\n", tr, laddr, raddr, msg)
}
func (s *secTracer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// sipTrace records every SIP message of the package's tests: sipgo's trace
// switch and logger are globals its goroutines read, so they are set once,
// in TestMain, before any phone runs (setting them in a test races).
var sipTrace = &secTracer{}

// tracePart is the trace written after it was made.
type tracePart struct {
	t     *secTracer
	start int
}

func traceFrom(t *secTracer) tracePart { return tracePart{t, len(t.String())} }

func (p tracePart) String() string { return p.t.String()[p.start:] }

// defaultHandler sends each record to whatever slog.Default is at the
// time, so tests can capture sipgo's logs by swapping slog's default.
type defaultHandler struct{}

func (defaultHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return slog.Default().Handler().Enabled(ctx, l)
}
func (defaultHandler) Handle(ctx context.Context, r slog.Record) error {
	return slog.Default().Handler().Handle(ctx, r)
}
func (h defaultHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h defaultHandler) WithGroup(string) slog.Handler      { return h }

func TestMain(m *testing.M) {
	sipgo.SetDefaultLogger(slog.New(defaultHandler{}))
	sipgo.SIPDebugTracer(sipTrace)
	sipgo.SIPDebug = true
	os.Exit(m.Run())
}

// refusingStore keeps the availability probe and refuses everything else.
type refusingStore struct {
	mu    sync.Mutex
	probe map[string]string
}

func (s *refusingStore) Get(a string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.probe[a]; ok {
		return v, nil
	}
	return "", errors.New("no such item")
}

func (s *refusingStore) Set(a, pw string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if strings.Contains(pw, secCanary) {
		return errors.New("keyring backend refused " + pw)
	}
	if s.probe == nil {
		s.probe = map[string]string{}
	}
	s.probe[a] = pw
	return nil
}

func (s *refusingStore) Delete(a string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.probe, a)
	return nil
}

// closedPort returns a loopback TCP address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestPasswordNeverInLogsEventsOrErrors runs a phone whose accounts all
// share one distinctive password through every failure at hand (proxy
// refusing TCP, proxy silent over UDP, wrong password on a registrar and
// on a call, password missing from the keyring, keyring refusing to
// store, invalid account, no keyring) while capturing every log record at
// Debug (the phone's logger, slog.Default and sipgo's own logger), sipgo's
// trace of every SIP message, every event as JSON and every error
// returned, and checks the password is in none of them.
func TestPasswordNeverInLogsEventsOrErrors(t *testing.T) {
	logs := newSecCapture()
	log := slog.New(logs)
	oldDefault := slog.Default()
	slog.SetDefault(log) // sipgo logs through slog.Default (see TestMain)
	t.Cleanup(func() { slog.SetDefault(oldDefault) })
	tracer := traceFrom(sipTrace)
	// The keyring passes its probe but refuses to store passwords, and
	// (breaking the Store contract) says so with the password.
	store := &refusingStore{}

	var errs []error
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	reg := newSecRegistrar(t, "the-right-one") // secCanary is wrong there
	silent, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	cfg := secConfig(t, fmt.Sprintf(`
[[account]]
name = "refused"
username = "refused"
domain = "example.com"
proxy = %q
transport = "tcp"
password = %q

[[account]]
name = "silent"
username = "silent"
domain = "example.com"
proxy = %q
password = %q

[[account]]
name = "wrong"
username = "wrong"
domain = "example.com"
proxy = %q
password = %q

[[account]]
name = "missing"
username = "missing"
domain = "example.com"
proxy = %q
password_store = "keyring"
`, closedPort(t), secCanary, silent.LocalAddr().String(), secCanary, reg.addr(), secCanary, reg.addr()))

	p := startSecPhone(t, cfg, core.WithLogger(log), core.WithSecrets(store))
	p.waitFailed(t, "refused", "silent", "wrong", "missing")
	note(p.Register("wrong"))
	p.waitFailed(t, "wrong")
	// A call from the wrong account: INVITE challenged, answer refused.
	if _, err := p.Dial("sip:bob@example.com", core.DialOptions{Account: "wrong"}); err != nil {
		note(err)
	} else {
		waitEnded(t, p.ch, 10*time.Second)
	}
	// The editor: an invalid account carrying the password, then a save
	// the keyring refuses (the password stays in the file).
	bad := secAccount("bad name", secCanary, "")
	bad.Domain = "not a domain"
	note(p.UpdateAccounts([]config.Account{bad}))
	accts := p.Config().Accounts
	accts = append(accts, secAccount("added", secCanary, closedPort(t)))
	note(p.UpdateAccounts(accts))
	// No keyring at all, and a missing entry at New.
	q, err := core.New(cfg, core.WithLogger(log), core.WithSecrets(failingStore{}), core.WithAccounts("nope"))
	note(err)
	if q != nil {
		t.Fatal("New accepted an unknown account")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	note(p.Close(ctx))

	if len(errs) < 2 {
		t.Fatalf("only %d errors collected: %v", len(errs), errs)
	}
	var evs []string
	for _, e := range p.recorded() {
		b, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		evs = append(evs, string(b))
	}
	leak := func(what, s string) {
		t.Helper()
		if i := strings.Index(s, secCanary); i >= 0 {
			t.Errorf("%s holds the password: …%s…", what, s[max(0, i-200):min(len(s), i+100)])
		}
	}
	for _, e := range errs {
		leak("error", e.Error())
		leak("error %v", fmt.Sprintf("%+v", e))
	}
	leak("events", strings.Join(evs, "\n"))
	leak("logs", logs.String())
	leak("SIP trace", tracer.String())
	leak("what the registrar received", reg.received())

	// The checks saw something: failures logged, messages traced with
	// their digest answers, the refusal of the keyring reported.
	for what, s := range map[string]string{
		"logs: registration failure": logs.String(), "SIP trace: digest answer": tracer.String(),
		"events": strings.Join(evs, "\n"), "logs: keyring refusal": logs.String(),
	} {
		var want string
		switch what {
		case "logs: registration failure":
			want = "registration failed"
		case "SIP trace: digest answer":
			want = "response=\""
		case "events":
			want = "password not found in the keyring"
		case "logs: keyring refusal":
			want = "keyring backend refused [redacted]"
		}
		if !strings.Contains(s, want) {
			t.Errorf("%s: %q not found", what, want)
		}
	}
	if !strings.Contains(tracer.String(), "INVITE sip:bob@example.com") {
		t.Errorf("no INVITE traced")
	}
	if !strings.Contains(strings.Join(evs, "\n"), `"event":"notice"`) {
		t.Errorf("no notice event")
	}
	if strings.Contains(readFile(t, cfg.Path), secCanary) == false {
		t.Errorf("with the keyring refusing, the password was not kept in the file")
	}
}
