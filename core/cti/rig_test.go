package cti

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/state"
)

// rig runs Watch over a channel the test feeds.
type rig struct {
	t      *testing.T
	events chan state.Event
	done   chan struct{}
	cfg    atomic.Pointer[config.Config]
	log    *logBuffer
	once   sync.Once
	w      *watcher // set before Watch reads its first event
}

func startWatch(t *testing.T, cfg config.Config, o Options) *rig {
	t.Helper()
	r := &rig{t: t, events: make(chan state.Event), done: make(chan struct{}), log: &logBuffer{}}
	r.cfg.Store(&cfg)
	o.Config = func() config.Config { return *r.cfg.Load() }
	o.started = func(w *watcher) { r.w = w }
	o.Log = slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	go func() {
		Watch(context.Background(), r.events, o)
		close(r.done)
	}()
	t.Cleanup(r.stop)
	return r
}

// send hands each call's state to Watch; the channel is unbuffered, so
// send returns once Watch took the last one.
func (r *rig) send(infos ...call.Info) {
	for _, i := range infos {
		r.events <- state.CallEvent{Info: i}
	}
}

// sync returns once Watch has acted on everything sent before: it takes
// the next event only after handling the previous one.
func (r *rig) sync() { r.events <- state.RegistrationEvent{Status: account.Status{Account: "x"}} }

func (r *rig) setConfig(c config.Config) {
	r.sync()
	r.cfg.Store(&c)
}

// stop closes the stream and waits for Watch to return.
func (r *rig) stop() {
	r.once.Do(func() {
		close(r.events)
		select {
		case <-r.done:
		case <-time.After(30 * time.Second):
			r.t.Fatal("Watch did not return after its events were closed")
		}
	})
}

type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuffer) count(s string) int { return strings.Count(l.String(), s) }

// Calls, state by state.
func incoming(id string, st call.State) call.Info {
	return call.Info{ID: id, Direction: call.Inbound, State: st, Remote: call.Party{URI: "sip:" + id + "@example.com"}}
}

func outgoing(id string, st call.State) call.Info {
	i := incoming(id, st)
	i.Direction = call.Outgoing
	return i
}

func answered(i call.Info) call.Info {
	i.Answered = time.Unix(1000, 0)
	return i
}

func ended(i call.Info, reason string) call.Info {
	i.State, i.Reason, i.EndedAt = call.Ended, reason, time.Unix(2000, 0)
	return i
}

// opener records the URLs it is asked to open.
type opener struct {
	mu   sync.Mutex
	urls []string
	err  error
}

func (o *opener) Open(_ context.Context, u string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.urls = append(o.urls, u)
	return o.err
}

func (o *opener) opened() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.urls...)
}

const secret = "0123456789abcdef-test-secret"

// receiver is a webhook endpoint that checks every request's signature
// and headers and records, per call, the events it accepted in order.
type receiver struct {
	t   *testing.T
	srv *httptest.Server
	// answer picks the status of an attempt (n counts from 1 per
	// delivery); nil accepts everything.
	answer func(r *http.Request, p received, n int) int

	mu       sync.Mutex
	got      map[string][]Trigger // call id → accepted events, in order
	attempts map[string]int       // delivery id → attempts
	tries    map[string]int       // "call/event" → attempts
	accepted map[string]bool      // delivery ids accepted
	problems []string
	progress chan struct{} // a tick per accepted delivery
}

func newReceiver(t *testing.T, answer func(r *http.Request, p received, n int) int) *receiver {
	rc := &receiver{t: t, answer: answer, got: map[string][]Trigger{}, attempts: map[string]int{}, tries: map[string]int{},
		accepted: map[string]bool{}, progress: make(chan struct{}, 10000)}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var p received
	problem := ""
	switch err := Verify(secret, r.Header.Get("X-Softphone-Signature"), body, time.Now(), time.Minute); {
	case err != nil:
		problem = "signature: " + err.Error()
	case r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json":
		problem = "method or content type: " + r.Method + " " + r.Header.Get("Content-Type")
	case json.Unmarshal(body, &p) != nil:
		problem = "body: " + string(body)
	case string(p.Event) != r.Header.Get("X-Softphone-Event") || p.CallID != p.Call.ID || p.At.IsZero():
		problem = "event header or body: " + string(body)
	}
	id := r.Header.Get("X-Softphone-Delivery")
	rc.mu.Lock()
	if problem == "" && (len(id) != 32 || rc.accepted[id]) {
		problem = "delivery id missing or accepted twice: " + id
	}
	if problem != "" {
		rc.problems = append(rc.problems, problem)
	}
	rc.attempts[id]++
	rc.tries[p.CallID+"/"+string(p.Event)]++
	n := rc.attempts[id]
	rc.mu.Unlock()

	status := http.StatusOK
	if rc.answer != nil {
		if s := rc.answer(r, p, n); s != 0 {
			status = s
		}
	}
	if status == http.StatusOK {
		rc.mu.Lock()
		rc.accepted[id] = true
		rc.got[p.CallID] = append(rc.got[p.CallID], p.Event)
		rc.mu.Unlock()
		rc.progress <- struct{}{}
	}
	if status/100 == 3 {
		w.Header().Set("Location", "/elsewhere") // a client that follows it sends a GET, which fails the checks
	}
	w.WriteHeader(status)
}

// received is a webhook body as a receiver reads it.
type received struct {
	Event     Trigger   `json:"event"`
	At        time.Time `json:"at"`
	Number    string    `json:"number"`
	Raw       string    `json:"raw"`
	Name      string    `json:"name"`
	Account   string    `json:"account"`
	CallID    string    `json:"call_id"`
	Direction string    `json:"direction"`
	Call      struct {
		ID     string `json:"id"`
		State  string `json:"state"`
		Remote struct {
			URI string `json:"uri"`
		} `json:"remote"`
	} `json:"call"`
}

func (rc *receiver) events(callID string) []Trigger {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Trigger(nil), rc.got[callID]...)
}

// waitAccepted waits for n more accepted deliveries.
func (rc *receiver) waitAccepted(n int) {
	rc.t.Helper()
	deadline := time.After(30 * time.Second)
	for range n {
		select {
		case <-rc.progress:
		case <-deadline:
			rc.t.Fatal("webhooks not accepted in time")
		}
	}
}

func (rc *receiver) checkProblems() {
	rc.t.Helper()
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, p := range rc.problems {
		rc.t.Error(p)
	}
}

func webhookConfig(url string) config.Config {
	return config.Config{CTI: config.CTI{WebhookURL: url, WebhookSecret: secret}}
}
