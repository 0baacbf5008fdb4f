package lines

import (
	"context"
	"net"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
)

// movingRegistrar counts REGISTERs and records the flows it is asked to drop.
type movingRegistrar struct {
	registers chan struct{}
	unbound   chan string
	mu        sync.Mutex // guards dropped
	dropped   []string
}

func (m *movingRegistrar) Unbind(_ context.Context, old net.IP) error {
	m.unbound <- old.String()
	return nil
}

func (m *movingRegistrar) Register(context.Context, int) (sip.RegisterResult, error) {
	m.registers <- struct{}{}
	return sip.RegisterResult{Code: 200, Reason: "OK", Expires: 600}, nil
}

func (m *movingRegistrar) DropFlow(_ context.Context, local net.IP) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dropped = append(m.dropped, local.String())
	return true
}

func TestMovedRegistersAgainTheLinesOfThatRegistrar(t *testing.T) {
	regs := map[string]*movingRegistrar{}
	accounts := []config.Account{
		{Name: "a", Username: "alice", Domain: "198.18.0.1", Transport: "tcp", Expires: 600, Enabled: true},
		{Name: "b", Username: "bob", Domain: "198.18.0.1", Proxy: "198.18.0.1:5060", Transport: "udp", Expires: 600, Enabled: true},
		{Name: "c", Username: "carol", Domain: "198.18.9.9", Transport: "udp", Expires: 600, Enabled: true},
	}
	s := New(accounts, Options{Log: quietLog, Registrar: func(_ *sip.UA, l *Line) (account.Registrar, error) {
		r := &movingRegistrar{registers: make(chan struct{}, 10), unbound: make(chan string, 10)}
		regs[l.Cfg.Name] = r
		return r, nil
	}})
	if d := s.Destinations(); len(d) != 0 {
		t.Fatalf("destinations before any registration: %v", d)
	}
	if err := s.Prepare(nil); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer func() { cancel(); _ = s.Stop(context.Background()) }()
	s.Run(ctx)
	registered := func(name string) {
		t.Helper()
		select {
		case <-regs[name].registers:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no REGISTER", name)
		}
	}
	for _, n := range []string{"a", "b", "c"} {
		registered(n)
	}
	// tcp and udp to the same host:port count once.
	if d, want := s.Destinations(), []string{"198.18.0.1:5060", "198.18.9.9:5060"}; !slices.Equal(d, want) {
		t.Fatalf("destinations %v, want %v", d, want)
	}

	names := s.Moved(ctx, "198.18.0.1:5060", net.ParseIP("198.18.0.2"), net.ParseIP("198.18.0.3"))
	if !slices.Equal(names, []string{"a", "b"}) {
		t.Fatalf("moved %v, want [a b]", names)
	}
	registered("a")
	registered("b")
	select {
	case <-regs["c"].registers:
		t.Fatal("an account of another registrar registered again")
	case <-regs["c"].unbound:
		t.Fatal("an account of another registrar unbound")
	case <-time.After(50 * time.Millisecond):
	}
	for _, n := range []string{"a", "b"} {
		select {
		case old := <-regs[n].unbound:
			if old != "198.18.0.2" {
				t.Errorf("%s: unbound %s, want 198.18.0.2", n, old)
			}
		case <-time.After(5 * time.Second):
			t.Errorf("%s: the old binding was not removed", n)
		}
		regs[n].mu.Lock()
		got := slices.Clone(regs[n].dropped)
		regs[n].mu.Unlock()
		if !slices.Equal(got, []string{"198.18.0.3"}) {
			t.Errorf("%s: flows dropped for %v, want [198.18.0.3]", n, got)
		}
	}
}

// Without registration the destinations are still watched (calls go
// through the account's proxy), but nothing registers.
func TestMovedWithoutRegistration(t *testing.T) {
	r := &movingRegistrar{registers: make(chan struct{}, 10), unbound: make(chan string, 10)}
	s := New([]config.Account{{Name: "a", Username: "alice", Domain: "198.18.0.1", Transport: "udp", Expires: 600, Enabled: true}},
		Options{Log: quietLog, NoRegister: true, Registrar: func(*sip.UA, *Line) (account.Registrar, error) { return r, nil }})
	if err := s.Prepare(nil); err != nil {
		t.Fatal(err)
	}
	s.Run(context.Background())
	if d := s.Destinations(); !slices.Equal(d, []string{"198.18.0.1:5060"}) {
		t.Fatalf("destinations %v", d)
	}
	if names := s.Moved(context.Background(), "198.18.0.1:5060", net.ParseIP("198.18.0.2"), net.ParseIP("198.18.0.3")); len(names) != 0 {
		t.Fatalf("registered again without registration: %v", names)
	}
	select {
	case <-r.registers:
		t.Fatal("a REGISTER without registration")
	case <-r.unbound:
		t.Fatal("an unbind without registration")
	case <-time.After(50 * time.Millisecond):
	}
}
