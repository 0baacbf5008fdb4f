package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	sipgo "github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/config"
)

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
	if _, err := p.Dial(context.Background(), "sip:bob@example.com", core.DialOptions{Account: "wrong"}); err != nil {
		note(err)
	} else {
		waitEnded(t, p.ch, 10*time.Second)
	}
	// The editor: an invalid account carrying the password, then a save
	// the keyring refuses (the password stays in the file).
	bad := secAccount("bad name", secCanary, "")
	bad.Domain = "not a domain"
	note(p.UpdateAccounts(context.Background(), []config.Account{bad}))
	accts := p.Config().Accounts
	accts = append(accts, secAccount("added", secCanary, closedPort(t)))
	note(p.UpdateAccounts(context.Background(), accts))
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
