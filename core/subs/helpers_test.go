package subs

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// testHost stands for the phone: its accounts can change under the test.
type testHost struct {
	mu    sync.Mutex // guards lines
	lines []Line
}

func (h *testHost) Lines() []Line {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]Line, len(h.lines))
	copy(out, h.lines)
	return out
}

func (h *testHost) set(lines ...Line) {
	h.mu.Lock()
	h.lines = lines
	h.mu.Unlock()
}

// address reads an address the way the phone does for the cases the
// tests use: a bare user or number is at domain.
func address(addr, domain string) (string, string, error) {
	if !strings.ContainsAny(addr, "@:") {
		if domain == "" {
			return "", "", nil
		}
		addr = "sip:" + addr + "@" + domain
	}
	u, err := sip.ParseTarget(addr)
	if err != nil {
		return "", "", err
	}
	return u.String(), u.Host, nil
}

func testManager(t *testing.T, allowDirect bool, lines ...Line) (*Manager, *state.Bus, *testHost) {
	t.Helper()
	h := &testHost{lines: lines}
	var names []string
	for _, l := range lines {
		names = append(names, l.Name)
	}
	bus := state.NewBus(state.Seed(config.Config{}, names))
	m := New(Host{
		Lines:   h.Lines,
		Address: address,
		Route: func(to, _ string) (*Line, string, error) {
			uri, _, err := address(to, "")
			return nil, uri, err
		},
		Bus:         bus,
		Log:         slog.New(slog.DiscardHandler),
		AllowDirect: func() bool { return allowDirect },
	})
	return m, bus, h
}

func listen(t *testing.T) *sip.UA {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	return ua
}

// stopManager stops m at the end of the test, bounded.
func stopManager(t *testing.T, m *Manager) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		m.Stop(ctx)
	})
}

// waitEvent waits for an event f accepts.
func waitEvent(t *testing.T, events <-chan state.Event, what string, f func(state.Event) bool) state.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before %s", what)
			}
			if f(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s", what)
		}
	}
}
