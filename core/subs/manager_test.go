package subs

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// proxy takes the requests the manager sends through an account and
// never answers: enough to see what was asked for.
func proxy(t *testing.T) (addr string, requests <-chan string) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	out := make(chan string, 64)
	go func() {
		buf := make([]byte, 65536)
		for {
			n, _, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			select {
			case out <- string(buf[:n]):
			default:
			}
		}
	}()
	return pc.LocalAddr().String(), out
}

// waitRequest waits for a request whose first line starts with method
// and that holds each of parts.
func waitRequest(t *testing.T, requests <-chan string, method string, parts ...string) {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case r := <-requests:
			ok := strings.HasPrefix(r, method+" ")
			for _, p := range parts {
				ok = ok && strings.Contains(r, p)
			}
			if ok {
				return
			}
		case <-deadline:
			t.Fatalf("no %s with %q", method, parts)
		}
	}
}

// Nothing is asked of the server before an account registers; then its
// voicemail subscription, the watched extensions and our presence go
// through it.
func TestSubscriptionsFollowRegistration(t *testing.T) {
	addr, requests := proxy(t)
	work := Line{Name: "work", MWI: true, Presence: true,
		From: sip.Target{Username: "alice", Password: "pw", Domain: "pbx.example", Proxy: addr, Transport: "udp"}}
	m, bus, h := testManager(t, false, work)
	m.Start(listen(t))
	stopManager(t, m)
	if err := m.Watch([]string{"2000"}); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-requests:
		t.Fatalf("sent before the account registered: %.60q", r)
	case <-time.After(100 * time.Millisecond):
	}

	work.Registered = true
	h.set(work)
	bus.Publish(state.RegistrationEvent{Status: account.Status{Account: "work", State: account.Registered}})
	waitRequest(t, requests, "SUBSCRIBE", "sip:alice@pbx.example", "Event: message-summary")
	waitRequest(t, requests, "SUBSCRIBE", "sip:2000@pbx.example", "Event: dialog")
	waitRequest(t, requests, "PUBLISH", "Event: presence")
	m.mu.Lock()
	through := m.watch["2000"].account
	m.mu.Unlock()
	if through != "work" {
		t.Errorf("2000 watched through %q", through)
	}

	// The server never answered: each unsubscribe gives up at ctx's end.
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	m.Stop(ctx)
	m.Sync() // stopped: starts nothing again
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.mwi) != 0 || len(m.pub) != 0 || m.watch["2000"].sub != nil {
		t.Errorf("after Stop: mwi %v, pub %v, watch %+v", m.mwi, m.pub, m.watch["2000"])
	}
}
