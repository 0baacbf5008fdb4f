//go:build linux

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// servedPhone is `softphone serve` running as its own process, and what
// a CTI client needs to reach it.
type servedPhone struct {
	*phoneProc
	bin, cfg string
	env      []string // XDG_RUNTIME_DIR of its instance socket
	base     string   // http://127.0.0.1:PORT
	token    string
}

// startServe runs `serve --json` with cfg (extra flags after, env added
// to the test's environment) and waits for its API.
func startServe(t *testing.T, bin, cfg string, env []string, extra ...string) *servedPhone {
	t.Helper()
	runDir := filepath.Join(t.TempDir(), "run")
	env = append([]string{"XDG_RUNTIME_DIR=" + runDir}, env...)
	args := append([]string{"serve", "--json", "--config", cfg, "--data", t.TempDir(), "--api", "127.0.0.1:0"}, extra...)
	p := startProgram(t, bin, env, args...)
	m := p.wait(15*time.Second, "the api line", func(m map[string]any) bool { return m["event"] == "api" })
	addr, _ := m["listen"].(string)
	out, err := exec.Command(bin, "api", "token", "--config", cfg).Output()
	if err != nil {
		t.Fatalf("api token: %v", err)
	}
	return &servedPhone{phoneProc: p, bin: bin, cfg: cfg, env: env, base: "http://" + addr, token: strings.TrimSpace(string(out))}
}

// call sends a request with the token and decodes the JSON answer.
func (s *servedPhone) call(method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	return s.callAs(s.token, method, path, body)
}

func (s *servedPhone) callAs(token, method, path string, body any) (int, map[string]any) {
	s.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.base+path, rd)
	if err != nil {
		s.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	var m map[string]any
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &m); err != nil {
		s.t.Fatalf("%s %s: %d %q is not JSON", method, path, resp.StatusCode, b)
	}
	return resp.StatusCode, m
}

// must sends a request that has to succeed.
func (s *servedPhone) must(method, path string, body any) map[string]any {
	s.t.Helper()
	code, m := s.call(method, path, body)
	if code/100 != 2 {
		s.t.Fatalf("%s %s %v: %d %v", method, path, body, code, m)
	}
	return m
}

// wsEvents is a WebSocket client of /v1/events: every message, with
// when it arrived.
type wsEvents struct {
	t    *testing.T
	conn *websocket.Conn

	mu   sync.Mutex
	msgs []wsMessage
	err  error
}

type wsMessage struct {
	m  map[string]any
	at time.Time
}

// openEvents connects with the token in the header (query may add
// ?since=...).
func (s *servedPhone) openEvents(query string) *wsEvents {
	s.t.Helper()
	url := "ws" + strings.TrimPrefix(s.base, "http") + "/v1/events" + query
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + s.token}}})
	if err != nil {
		s.t.Fatalf("events: %v", err)
	}
	conn.SetReadLimit(1 << 20)
	w := &wsEvents{t: s.t, conn: conn}
	s.t.Cleanup(func() { conn.CloseNow() })
	go func() {
		for {
			_, b, err := conn.Read(context.Background())
			at := time.Now()
			w.mu.Lock()
			if err != nil {
				w.err = err
				w.mu.Unlock()
				return
			}
			var m map[string]any
			if json.Unmarshal(b, &m) == nil {
				w.msgs = append(w.msgs, wsMessage{m, at})
			}
			w.mu.Unlock()
		}
	}()
	return w
}

// wait waits for a message match accepts, after the first skip ones.
func (w *wsEvents) wait(within time.Duration, what string, match func(map[string]any) bool) wsMessage {
	w.t.Helper()
	deadline := time.Now().Add(within)
	for seen := 0; ; {
		w.mu.Lock()
		for ; seen < len(w.msgs); seen++ {
			if match(w.msgs[seen].m) {
				m := w.msgs[seen]
				w.mu.Unlock()
				return m
			}
		}
		err := w.err
		w.mu.Unlock()
		if err != nil || time.Now().After(deadline) {
			w.t.Fatalf("events: no %s within %v (%v)", what, within, err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (w *wsEvents) all() []map[string]any {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]map[string]any, len(w.msgs))
	for i, m := range w.msgs {
		out[i] = m.m
	}
	return out
}

func version(m map[string]any) uint64 {
	v, _ := m["version"].(float64)
	return uint64(v)
}

// isCall matches the events of call id in state.
func isCall(id, state string) func(map[string]any) bool {
	return func(m map[string]any) bool { return m["event"] == "call" && m["id"] == id && m["state"] == state }
}

// waitRegistered polls GET /v1/state until every account is registered.
func (s *servedPhone) waitRegistered(within time.Duration) {
	s.t.Helper()
	deadline := time.Now().Add(within)
	for {
		st := s.must("GET", "/v1/state", nil)
		accts, _ := st["accounts"].([]any)
		ok := len(accts) > 0
		for _, a := range accts {
			ok = ok && a.(map[string]any)["state"] == "registered"
		}
		if ok {
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("accounts not registered within %v: %v", within, accts)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
