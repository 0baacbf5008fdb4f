package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

func wsURL(hs string, query string) string {
	u := "ws" + strings.TrimPrefix(hs, "http") + "/v1/events"
	if query != "" {
		u += "?" + query
	}
	return u
}

func dialEvents(t *testing.T, ctx context.Context, url string, header bool) *websocket.Conn {
	t.Helper()
	o := &websocket.DialOptions{}
	if header {
		o.HTTPHeader = http.Header{"Authorization": {"Bearer " + testToken}}
	}
	c, _, err := websocket.Dial(ctx, url, o)
	if err != nil {
		t.Fatalf("dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c
}

// message is the fields of a stream message the tests look at.
type message struct {
	Event   string `json:"event"`
	Version uint64 `json:"version"`
	Session string `json:"session"`
	Since   uint64 `json:"since"`
	ID      string `json:"id"`
	// Raw "state": the read model in a state message, a call's state
	// name in a call event.
	Raw json.RawMessage `json:"state"`
	// State is Raw decoded, for a state message.
	State *struct {
		Version uint64 `json:"version"`
		Calls   []struct {
			ID string `json:"id"`
		} `json:"calls"`
	} `json:"-"`
}

func read(t *testing.T, ctx context.Context, c *websocket.Conn) message {
	t.Helper()
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, b, err := c.Read(rctx)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	var m message
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("message %q: %v", b, err)
	}
	if m.Event == "state" {
		if err := json.Unmarshal(m.Raw, &m.State); err != nil {
			t.Fatalf("state message %q: %v", b, err)
		}
	}
	return m
}

func publishCall(p *fakePhone, id string, st call.State) {
	p.bus.Publish(core.CallEvent{Info: call.Info{ID: id, Direction: call.Inbound, State: st, Remote: call.Party{URI: "sip:bob@example.com"}, Started: time.Now()}})
}

func TestEventsStartWithStateThenFollowInOrder(t *testing.T) {
	p, _, hs := newTestServer(t)
	ctx := context.Background()
	publishCall(p, "c1", call.Incoming) // before the client: in its state
	c := dialEvents(t, ctx, wsURL(hs.URL, ""), true)
	first := read(t, ctx, c)
	if first.Event != "state" || first.State == nil || len(first.State.Calls) != 1 || first.State.Calls[0].ID != "c1" || first.Session == "" {
		t.Fatalf("first message %+v, want the state with call c1", first)
	}
	publishCall(p, "c1", call.Connected)
	publishCall(p, "c2", call.Incoming)
	publishCall(p, "c1", call.Ended)
	last := first.Version
	for _, want := range []string{"c1", "c2", "c1"} {
		m := read(t, ctx, c)
		if m.Event != "call" || m.ID != want || m.Version != last+1 {
			t.Fatalf("got %+v after version %d, want call %s with version %d", m, last, want, last+1)
		}
		last = m.Version
	}
}

func TestEventsSendNothingBeforeTheToken(t *testing.T) {
	_, _, hs := newTestServer(t, WithAuthWait(2*time.Second))
	ctx := context.Background()

	// No token yet: nothing comes.
	c := dialEvents(t, ctx, wsURL(hs.URL, ""), false)
	rctx, cancel := context.WithTimeout(ctx, 300*time.Millisecond)
	_, b, err := c.Read(rctx)
	cancel()
	if err == nil {
		t.Fatalf("the server sent %q before the token", b)
	}

	// A wrong token: closed, still nothing sent.
	c = dialEvents(t, ctx, wsURL(hs.URL, ""), false)
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"token":"not-it"}`)); err != nil {
		t.Fatal(err)
	}
	rctx, cancel = context.WithTimeout(ctx, 5*time.Second)
	_, b, err = c.Read(rctx)
	cancel()
	if websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Fatalf("wrong token: read %q, %v; want close 1008", b, err)
	}

	// The token as first message, as a browser sends it.
	c = dialEvents(t, ctx, wsURL(hs.URL, ""), false)
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"token":"`+testToken+`"}`)); err != nil {
		t.Fatal(err)
	}
	if m := read(t, ctx, c); m.Event != "state" {
		t.Fatalf("after the token: %+v, want the state", m)
	}

	// A wrong Authorization header is refused before the upgrade.
	_, resp, err := websocket.Dial(ctx, wsURL(hs.URL, ""), &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer nope"}}})
	if err == nil || resp == nil || resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("wrong header: %v %v, want 401", resp, err)
	}
}

func TestEventsResumeWhereTheClientWas(t *testing.T) {
	p, s, hs := newTestServer(t, WithResume(8))
	ctx := context.Background()
	c := dialEvents(t, ctx, wsURL(hs.URL, ""), true)
	first := read(t, ctx, c)
	publishCall(p, "c1", call.Incoming)
	seen := read(t, ctx, c)
	c.Close(websocket.StatusNormalClosure, "")

	// Missed while away.
	publishCall(p, "c1", call.Connected)
	publishCall(p, "c2", call.Incoming)
	waitVersion(t, s, seen.Version+2)

	q := "since=" + strconv.FormatUint(seen.Version, 10) + "&session=" + first.Session
	c = dialEvents(t, ctx, wsURL(hs.URL, q), true)
	if m := read(t, ctx, c); m.Event != "resumed" || m.Since != seen.Version {
		t.Fatalf("resume: first %+v, want resumed since %d", m, seen.Version)
	}
	for i, want := range []string{"c1", "c2"} {
		if m := read(t, ctx, c); m.ID != want || m.Version != seen.Version+1+uint64(i) {
			t.Fatalf("resumed event %d: %+v, want %s at version %d", i, m, want, seen.Version+1+uint64(i))
		}
	}
	publishCall(p, "c3", call.Incoming)
	if m := read(t, ctx, c); m.ID != "c3" || m.Version != seen.Version+3 {
		t.Fatalf("live after resume: %+v", m)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// Beyond the bound (8 kept): a fresh state instead.
	for range 20 {
		publishCall(p, "c4", call.Incoming)
	}
	waitVersion(t, s, seen.Version+23)
	c = dialEvents(t, ctx, wsURL(hs.URL, q), true)
	if m := read(t, ctx, c); m.Event != "state" || m.Version != seen.Version+23 {
		t.Fatalf("too old to resume: %+v, want the state at version %d", m, seen.Version+23)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// Another session's version: a fresh state.
	c = dialEvents(t, ctx, wsURL(hs.URL, "since=1&session=someoneelse"), true)
	if m := read(t, ctx, c); m.Event != "state" {
		t.Fatalf("other session: %+v, want the state", m)
	}
}

// waitVersion waits until the server's hub has seen version v.
func waitVersion(t *testing.T, s *Server, v uint64) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s.hub.mu.Lock()
		last := s.hub.last
		s.hub.mu.Unlock()
		if last >= v {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the hub is at version %d, want %d", last, v)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestASlowClientIsDroppedNotWaitedFor(t *testing.T) {
	p, s, _ := newTestServer(t, WithClientQueue(4))
	snap := func(core.State) []byte { return []byte("{}") }
	slow, _, _ := s.hub.attach(false, 0, snap) // never reads
	fast, _, _ := s.hub.attach(false, 0, snap)
	// The fast client reads each event as it comes while the slow one's
	// queue overflows: the hub drops the slow one and never waits for it.
	for i := range 100 {
		publishCall(p, "c1", call.Incoming)
		select {
		case <-fast.out:
		case <-time.After(5 * time.Second):
			t.Fatalf("event %d did not reach the fast client", i)
		}
	}
	select {
	case <-slow.lag:
	default:
		t.Fatal("the slow client was not dropped")
	}
	if n := len(slow.out); n != 4 {
		t.Fatalf("the slow client holds %d events, want its bound 4", n)
	}
	s.hub.mu.Lock()
	_, slowIn := s.hub.clients[slow]
	_, fastIn := s.hub.clients[fast]
	s.hub.mu.Unlock()
	if slowIn || !fastIn {
		t.Fatalf("attached: slow %v fast %v, want only the fast one", slowIn, fastIn)
	}
}

func TestADroppedClientIsToldToResume(t *testing.T) {
	p, _, hs := newTestServer(t, WithClientQueue(1))
	ctx := context.Background()
	c := dialEvents(t, ctx, wsURL(hs.URL, ""), true)
	read(t, ctx, c)
	// Many events at once: the writer cannot keep a one-event queue.
	for range 200 {
		publishCall(p, "c1", call.Incoming)
	}
	var err error
	n := 0
	for err == nil {
		rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		_, _, err = c.Read(rctx)
		cancel()
		n++
	}
	if websocket.CloseStatus(err) != websocket.StatusTryAgainLater || n > 200 {
		t.Fatalf("after %d messages: %v, want close 1013 before the end", n, err)
	}
}

func TestClosingTheServerTellsClients(t *testing.T) {
	_, s, hs := newTestServer(t)
	ctx := context.Background()
	c := dialEvents(t, ctx, wsURL(hs.URL, ""), true)
	read(t, ctx, c)
	s.Close()
	rctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	_, _, err := c.Read(rctx)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway {
		var ce websocket.CloseError
		t.Fatalf("after Close: %v (%v), want close 1001", err, errors.As(err, &ce))
	}
}
