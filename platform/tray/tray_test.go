package tray

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

// fakePhone is a phone whose state a test publishes; it records the
// intents the tray sends. Its other methods are not the tray's business.
type fakePhone struct {
	core.Phone
	bus *state.Bus

	mu    sync.Mutex
	calls []string
}

func newFakePhone() *fakePhone {
	cfg := config.Config{Accounts: []config.Account{{Name: "alice", Enabled: true}}}
	return &fakePhone{bus: state.NewBus(state.Seed(cfg, []string{"alice"}))}
}

func (p *fakePhone) State() core.State                         { return p.bus.State() }
func (p *fakePhone) Events() (<-chan core.Event, func())       { return p.bus.Subscribe() }
func (p *fakePhone) record(s string)                           { p.mu.Lock(); p.calls = append(p.calls, s); p.mu.Unlock() }
func (p *fakePhone) Answer(_ context.Context, id string) error { p.record("answer " + id); return nil }
func (p *fakePhone) Decline(id string) error                   { p.record("decline " + id); return nil }
func (p *fakePhone) SetDND(_ context.Context, acct string, on bool) error {
	if on {
		p.record("dnd on " + acct)
	} else {
		p.record("dnd off " + acct)
	}
	return nil
}

func (p *fakePhone) recorded() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.calls...)
}

// fakeSurface records what the tray draws.
type fakeSurface struct {
	clicks chan Click
	views  chan View
}

func (s *fakeSurface) Show(v View)          { s.views <- v }
func (s *fakeSurface) Clicks() <-chan Click { return s.clicks }
func (s *fakeSurface) Close()               {}

func (s *fakeSurface) next(t *testing.T) View {
	t.Helper()
	select {
	case v := <-s.views:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no view drawn within 5 s")
		return View{}
	}
}

func waitRecorded(t *testing.T, p *fakePhone, want string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		for _, c := range p.recorded() {
			if c == want {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("phone calls %q, want %q among them", p.recorded(), want)
		}
	}
}

func TestRunDrawsStateAndSendsIntents(t *testing.T) {
	p := newFakePhone()
	s := &fakeSurface{clicks: make(chan Click), views: make(chan View, 16)}
	shown, quit := make(chan struct{}, 1), make(chan struct{}, 1)
	o := newOptions([]Option{WithShow(func() { shown <- struct{}{} }), WithQuit(func() { quit <- struct{}{} })})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); run(ctx, p, s, o) }()
	defer func() { cancel(); <-done }()

	if v := s.next(t); v.Icon != IconOffline || v.Tooltip != "Softphone — alice: unregistered" {
		t.Fatalf("first view %+v", v)
	}
	p.bus.Publish(state.RegistrationEvent{Status: account.Status{Account: "alice", State: account.Registered}})
	if v := s.next(t); v.Icon != IconRegistered {
		t.Fatalf("after registering: %+v", v)
	}
	p.bus.Publish(state.CallEvent{Info: call.Info{ID: "c1", State: call.Incoming, Remote: call.Party{DisplayName: "Bob Builder", URI: "sip:bob@x"}}})
	v := s.next(t)
	if v.Icon != IconRinging || v.Call != "c1" {
		t.Fatalf("while ringing: %+v", v)
	}
	s.clicks <- ClickAnswer
	waitRecorded(t, p, "answer c1")
	s.clicks <- ClickDecline
	waitRecorded(t, p, "decline c1")
	s.clicks <- ClickDND // unchecked in the view: turns it on for every account
	waitRecorded(t, p, "dnd on ")
	s.clicks <- ClickShow
	select {
	case <-shown:
	case <-time.After(5 * time.Second):
		t.Fatal("Show did not call WithShow's function")
	}
	s.clicks <- ClickQuit
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Fatal("Quit did not call WithQuit's function")
	}
}
