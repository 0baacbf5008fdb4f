package testlab

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The screen-pop page (testdata/cti/screenpop.html) in a real browser,
// against a stand-in for the phone's event socket that speaks its protocol.

// popServer accepts the page's connections on /v1/events and hands each
// one, after its first message, to the test.
type popServer struct {
	srv   *httptest.Server
	conns chan *popConn
	wg    sync.WaitGroup
	mu    sync.Mutex
	open  []*websocket.Conn
}

// popConn is one connection of the page's.
type popConn struct {
	ws    *websocket.Conn
	since string // ?since= of its URL; "" without one
	first string // its first message
}

func startPopServer(t *testing.T) *popServer {
	s := &popServer{conns: make(chan *popConn, 8)}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.mu.Lock()
		for _, c := range s.open {
			c.CloseNow()
		}
		s.mu.Unlock()
		s.srv.Close()
		s.wg.Wait() // httptest does not wait for hijacked connections
	})
	return s
}

func (s *popServer) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/events" {
		http.NotFound(w, r)
		return
	}
	// A file:// page's Origin is "null": no origin to check it against.
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	s.wg.Add(1)
	defer s.wg.Done()
	s.mu.Lock()
	s.open = append(s.open, ws)
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(r.Context(), 10*time.Second)
	_, first, err := ws.Read(ctx)
	cancel()
	if err != nil {
		ws.CloseNow()
		return
	}
	s.conns <- &popConn{ws: ws, since: r.URL.Query().Get("since"), first: string(first)}
	// Reading on keeps the closing handshake working; the page sends
	// nothing more.
	<-ws.CloseRead(context.Background()).Done()
}

// next is the page's next connection.
func (s *popServer) next(t *testing.T) *popConn {
	t.Helper()
	select {
	case c := <-s.conns:
		return c
	case <-time.After(15 * time.Second):
		t.Fatal("the page did not connect to /v1/events within 15s")
		return nil
	}
}

// checkToken checks that the connection's first message is {"token": token}
// and nothing else.
func (c *popConn) checkToken(t *testing.T, token string) {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.first), &m); err != nil || len(m) != 1 || m["token"] != token {
		t.Fatalf("first message = %s, want {\"token\": %q}", c.first, token)
	}
}

func (c *popConn) send(t *testing.T, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatalf("send %s: %v", msg, err)
	}
}

// openScreenPop opens the page in chromium, pointed at s with token.
func openScreenPop(t *testing.T, s *popServer, token string) *Browser {
	t.Helper()
	page, err := filepath.Abs(filepath.Join("..", "..", "testdata", "cti", "screenpop.html"))
	if err != nil {
		t.Fatal(err)
	}
	api := "ws" + strings.TrimPrefix(s.srv.URL, "http")
	frag := "api=" + encodeURIComponent(api) + "&token=" + encodeURIComponent(token)
	return StartChromium(t, (&url.URL{Scheme: "file", Path: page}).String()+"#"+frag)
}

// encodeURIComponent escapes as JavaScript's function of that name does,
// which the page undoes with decodeURIComponent (a space is %20, never +).
func encodeURIComponent(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

const popState = `{"event":"state","version":11,"state":{"calls":[]}}`

func popCall(id, direction, state string, version int, remote, contact string) string {
	m := map[string]any{
		"event": "call", "id": id, "direction": direction, "account": "", "state": state,
		"remote": json.RawMessage(remote), "started": "2026-12-07T10:00:00.123Z", "version": version,
	}
	if contact != "" {
		m["contact"] = contact
	}
	b, _ := json.Marshal(m)
	return string(b)
}

func evalEq(t *testing.T, b *Browser, expr, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if got, err := b.Eval(ctx, expr); err != nil || got != want {
		t.Errorf("%s = %q, %v; want %q", expr, got, err, want)
	}
}

func waitEq(t *testing.T, b *Browser, expr, want string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q, _ := json.Marshal(want)
	if _, err := b.WaitFor(ctx, "("+expr+") === "+string(q)); err != nil {
		got, _ := b.Eval(ctx, expr)
		t.Fatalf("%s is %q, want %q: %v", expr, got, want, err)
	}
}

const (
	callerText = `document.getElementById("caller").textContent`
	callerID   = `document.getElementById("caller").dataset.call`
	statusText = `document.getElementById("status").textContent`
	logKinds   = `[...document.querySelectorAll("#log li")].map(li => li.textContent).join(",")`
)

func TestScreenPopShowsTheCaller(t *testing.T) {
	s := startPopServer(t)
	const token = "t0k+en/with=&odd chars"
	b := openScreenPop(t, s, token)
	c := s.next(t)
	c.checkToken(t, token)
	if c.since != "" {
		t.Errorf("first connection with since=%s, want none", c.since)
	}
	waitEq(t, b, statusText, "open")

	c.send(t, popState)
	// An outgoing call and an incoming one already answered pop nothing.
	c.send(t, popCall("o1", "outgoing", "incoming", 12, `{"uri":"sip:x@127.0.0.1"}`, "Not Me"))
	c.send(t, popCall("a1", "incoming", "connected", 13, `{"uri":"sip:y@127.0.0.1"}`, "Not Me Either"))
	before := time.Now().UnixMilli()
	c.send(t, popCall("c1", "incoming", "incoming", 14, `{"display_name":"Bob","uri":"sip:bob@127.0.0.1"}`, "Bob Smith"))
	waitEq(t, b, callerID, "c1")
	after := time.Now().UnixMilli()
	evalEq(t, b, callerText, "Bob Smith")
	evalEq(t, b, logKinds, "state,call,call,call")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	at, err := b.Eval(ctx, `document.getElementById("caller").dataset.at`)
	if n, perr := strconv.ParseInt(at, 10, 64); err != nil || perr != nil || n < before-1000 || n > after+1000 {
		t.Errorf("data-at = %q, %v; want Date.now() between %d and %d", at, err, before, after)
	}

	// The phone goes away: the page says so, comes back after a second
	// and asks for what it missed since the last version it saw.
	closed := time.Now()
	if err := c.ws.Close(websocket.StatusGoingAway, "phone restarting"); err != nil {
		t.Logf("close: %v", err)
	}
	waitEq(t, b, statusText, "closed: 1001 phone restarting")
	c2 := s.next(t)
	if d := time.Since(closed); d < 900*time.Millisecond {
		t.Errorf("the page reconnected after %v, want about 1s", d)
	}
	c2.checkToken(t, token)
	if c2.since != "14" {
		t.Errorf("reconnection since=%q, want 14", c2.since)
	}
	waitEq(t, b, statusText, "open")

	// The caller's name: the contact, else the display name, else the
	// URI's user part. A state that lists a ringing call pops it too.
	c2.send(t, `{"event":"state","version":20,"state":{"calls":[`+
		popCall("c2", "incoming", "incoming", 0, `{"display_name":"Dave","uri":"sip:dave@127.0.0.1"}`, "")+`]}}`)
	waitEq(t, b, callerID, "c2")
	evalEq(t, b, callerText, "Dave")
	c2.send(t, popCall("c3", "incoming", "incoming", 21, `{"uri":"sips:carol%20c@example.com;transport=tls"}`, ""))
	waitEq(t, b, callerID, "c3")
	evalEq(t, b, callerText, "carol c")
	c2.send(t, popCall("c4", "incoming", "incoming", 22, `{"uri":"tel:+441234567"}`, ""))
	waitEq(t, b, callerID, "c4")
	evalEq(t, b, callerText, "+441234567")
	// A message that is not JSON is skipped; the next one still counts.
	c2.send(t, `not json`)
	c2.send(t, popCall("c5", "incoming", "incoming", 23, `{"uri":"sip:erin@127.0.0.1"}`, ""))
	waitEq(t, b, callerID, "c5")
	evalEq(t, b, callerText, "erin")
}

func TestScreenPopShowsMarkupAsText(t *testing.T) {
	s := startPopServer(t)
	b := openScreenPop(t, s, "tok")
	c := s.next(t)
	c.checkToken(t, "tok")
	const evil = `<img src=x onerror="window.pwned=1"><b>Eve</b>`
	remote, _ := json.Marshal(map[string]string{"display_name": evil, "uri": "sip:eve@127.0.0.1"})
	c.send(t, popState)
	c.send(t, popCall("x1", "incoming", "incoming", 12, string(remote), ""))
	waitEq(t, b, callerID, "x1")
	evalEq(t, b, callerText, evil)
	evalEq(t, b, `document.querySelectorAll("img, b").length`, "0")
	c.send(t, `{"event":"<script>window.pwned=2</script>","version":13}`)
	waitEq(t, b, `document.querySelector("#log li:last-child").textContent`, "<script>window.pwned=2</script>")
	evalEq(t, b, `document.querySelectorAll("script").length`, "1") // the page's own
	evalEq(t, b, `typeof window.pwned`, "undefined")
}

func TestScreenPopWithoutParameters(t *testing.T) {
	s := startPopServer(t)
	page, err := filepath.Abs(filepath.Join("..", "..", "testdata", "cti", "screenpop.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, frag := range []string{"", "#api=" + encodeURIComponent("ws"+strings.TrimPrefix(s.srv.URL, "http")), "#api=http%3A%2F%2F127.0.0.1%3A1&token=t"} {
		b := StartChromium(t, (&url.URL{Scheme: "file", Path: page}).String()+frag)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		got, err := b.Eval(ctx, statusText)
		cancel()
		if err != nil || !strings.HasPrefix(got, "error: ") {
			t.Errorf("fragment %q: status %q, %v; want an error", frag, got, err)
		}
	}
	select {
	case <-s.conns:
		t.Error("the page connected without an api and a token")
	default:
	}
}
