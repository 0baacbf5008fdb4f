package cti

import (
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// lifecycle is one answered incoming call: ring, answer, hangup.
func lifecycle(id string) []call.Info {
	return []call.Info{incoming(id, call.Incoming), answered(incoming(id, call.Connected)),
		ended(answered(incoming(id, call.Connected)), "remote hung up")}
}

// TestWebhookOrderRetriesAndSlowCall: every delivery fails twice before it
// is taken (retried, same delivery id, each attempt signed); each call's
// events arrive in order; a call whose receiver hangs holds up no other.
func TestWebhookOrderRetriesAndSlowCall(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(r *http.Request, p received, n int) int {
		if p.CallID == "slow" {
			select {
			case <-release:
			case <-r.Context().Done():
			}
		}
		if n <= 2 {
			return http.StatusServiceUnavailable
		}
		return 0
	})
	r := startWatch(t, webhookConfig(rc.srv.URL), Options{retryBase: time.Millisecond, Drain: 30 * time.Second})
	r.send(lifecycle("slow")...)
	fast := []string{"c1", "c2", "c3", "c4", "c5"}
	for _, id := range fast { // interleaved: ring all, answer all, hang up all
		r.send(lifecycle(id)[0])
	}
	for step := 1; step < 3; step++ {
		for _, id := range fast {
			r.send(lifecycle(id)[step])
		}
	}
	rc.waitAccepted(3 * len(fast))
	if got := rc.events("slow"); len(got) != 0 {
		t.Fatalf("the slow call's webhooks were taken while its receiver hung: %v", got)
	}
	close(release)
	rc.waitAccepted(3)
	r.stop()
	rc.checkProblems()
	for _, id := range append(fast, "slow") {
		if got, want := rc.events(id), []Trigger{Ring, Answer, Hangup}; !slices.Equal(got, want) {
			t.Errorf("call %s: %v, want %v", id, got, want)
		}
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.attempts) != 3*(len(fast)+1) {
		t.Errorf("%d delivery ids, want one per event (%d)", len(rc.attempts), 3*(len(fast)+1))
	}
	for id, n := range rc.attempts {
		if n != 3 {
			t.Errorf("delivery %s: %d attempts, want 3", id, n)
		}
	}
}

// TestWebhookGivesUp: 4xx is final but for 408 and 429; a redirect is
// not followed; 5xx is tried MaxAttempts times; the next event of the
// call is delivered after one gives up.
func TestWebhookGivesUp(t *testing.T) {
	rc := newReceiver(t, func(r *http.Request, p received, n int) int {
		if p.Event != Ring {
			return 0
		}
		switch p.CallID {
		case "bad":
			return http.StatusBadRequest
		case "gone":
			return http.StatusGone
		case "moved":
			return http.StatusFound
		case "throttled":
			if n == 1 {
				return http.StatusTooManyRequests
			}
		case "timeout":
			if n == 1 {
				return http.StatusRequestTimeout
			}
		case "down":
			return http.StatusBadGateway
		}
		return 0
	})
	r := startWatch(t, webhookConfig(rc.srv.URL), Options{retryBase: time.Millisecond, Drain: 30 * time.Second})
	ids := []string{"bad", "gone", "moved", "throttled", "timeout", "down"}
	for _, id := range ids {
		r.send(incoming(id, call.Incoming), ended(incoming(id, call.Incoming), "remote hung up"))
	}
	r.stop()
	rc.checkProblems()
	want := map[string]int{"bad": 1, "gone": 1, "moved": 1, "throttled": 2, "timeout": 2, "down": MaxAttempts}
	for _, id := range ids {
		got := rc.events(id)
		ring := want[id] == 2 // retried, then taken
		if ring && !slices.Equal(got, []Trigger{Ring, Hangup, Missed}) || !ring && !slices.Equal(got, []Trigger{Hangup, Missed}) {
			t.Errorf("call %s: taken %v", id, got)
		}
	}
	if n := r.log.count("webhook not delivered"); n != 4 {
		t.Errorf("%d deliveries given up, want 4:\n%s", n, r.log)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for id, n := range want {
		if got := rc.tries[id+"/ring"]; got != n {
			t.Errorf("call %s: ring tried %d times, want %d", id, got, n)
		}
		if got := rc.tries[id+"/hangup"]; got != 1 {
			t.Errorf("call %s: hangup tried %d times, want 1", id, got)
		}
	}
}

// TestWebhookFlood: 5000 events for a receiver that never answers do not
// block Watch, and what waits stays within MaxPending deliveries and one
// goroutine per call that has some; the oldest are dropped, and logged.
func TestWebhookFlood(t *testing.T) {
	release := make(chan struct{})
	rc := newReceiver(t, func(r *http.Request, _ received, _ int) int {
		select {
		case <-release:
		case <-r.Context().Done():
		}
		return http.StatusServiceUnavailable
	})
	t.Cleanup(func() { close(release) })
	r := startWatch(t, webhookConfig(rc.srv.URL), Options{attemptTimeout: time.Hour, Drain: time.Millisecond})
	before := runtime.NumGoroutine()
	const calls = 1000
	for c := range calls {
		id := fmt.Sprintf("c%d", c)
		i := answered(incoming(id, call.Connected))
		held := i
		held.State = call.Held
		r.send(incoming(id, call.Incoming), i, held, i, ended(i, "remote hung up")) // 5 events, 3 webhooks
	}
	r.sync()
	w := r.w
	pending, most := w.posts.stats()
	w.posts.mu.Lock()
	dropped, workers := w.posts.droppedTotal, len(w.posts.queues)
	w.posts.mu.Unlock()
	if most > MaxPending || pending != MaxPending {
		t.Errorf("pending %d (at most %d), want %d", pending, most, MaxPending)
	}
	if pending+dropped != 3*calls {
		t.Errorf("pending %d + dropped %d, want every one of %d webhooks accounted for", pending, dropped, 3*calls)
	}
	if workers > MaxPending {
		t.Errorf("%d call workers", workers)
	}
	if g := runtime.NumGoroutine(); g > before+MaxPending+100 {
		t.Errorf("%d goroutines, %d before the flood", g, before)
	}
	r.stop()
	if !strings.Contains(r.log.String(), "webhook deliveries dropped: too many pending") {
		t.Errorf("no log line for the dropped deliveries:\n%s", r.log)
	}
}
