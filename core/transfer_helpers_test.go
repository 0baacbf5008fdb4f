package core_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
)

// xferPhone is a tone phone whose call events are all kept, so a test can
// follow several calls on it in any order.
type xferPhone struct {
	*tonePhone
	name string

	mu      sync.Mutex
	calls   []call.Info // every call event, in order
	changed chan struct{}
}

func startXferPhone(t *testing.T, name, cfg string, hz float64, opts ...core.Option) *xferPhone {
	t.Helper()
	x := &xferPhone{tonePhone: startTonePhone(t, cfg, hz, []string{"pcmu"}, opts...), name: name, changed: make(chan struct{})}
	go func() {
		for e := range x.events {
			ce, ok := e.(core.CallEvent)
			if !ok {
				continue
			}
			x.mu.Lock()
			x.calls = append(x.calls, ce.Info)
			close(x.changed)
			x.changed = make(chan struct{})
			x.mu.Unlock()
		}
	}()
	return x
}

// directURI is how another phone reaches this one without a server.
func (x *xferPhone) directURI() string { return "sip:" + x.name + "@" + x.State().Listen }

// waitFor returns the first call event (since the start) that pred
// accepts, failing after within.
func (x *xferPhone) waitFor(t *testing.T, within time.Duration, what string, pred func(call.Info) bool) call.Info {
	t.Helper()
	deadline := time.After(within)
	seen := 0
	for {
		x.mu.Lock()
		changed := x.changed
		events := x.calls
		x.mu.Unlock()
		for ; seen < len(events); seen++ {
			if pred(events[seen]) {
				return events[seen]
			}
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%s: no %s within %v; call events:\n%s", x.name, what, within, x.dump())
		}
	}
}

// waitState returns call id's first event in state st.
func (x *xferPhone) waitState(t *testing.T, id string, st call.State, within time.Duration) call.Info {
	t.Helper()
	return x.waitFor(t, within, fmt.Sprintf("call %s %s", id, st), func(i call.Info) bool { return i.ID == id && i.State == st })
}

// history is every event of call id, in order.
func (x *xferPhone) history(id string) []call.Info {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []call.Info
	for _, i := range x.calls {
		if i.ID == id {
			out = append(out, i)
		}
	}
	return out
}

// transfers lists the distinct Transfer values call id went through.
func (x *xferPhone) transfers(id string) []string {
	var out []string
	for _, i := range x.history(id) {
		if i.Transfer != "" && (len(out) == 0 || out[len(out)-1] != i.Transfer) {
			out = append(out, i.Transfer)
		}
	}
	return out
}

func (x *xferPhone) dump() string {
	x.mu.Lock()
	defer x.mu.Unlock()
	var b strings.Builder
	for _, i := range x.calls {
		fmt.Fprintf(&b, "  %s %s %s remote=%s hold=%v/%v transfer=%q referred_by=%q reason=%q %d\n",
			i.ID, i.Direction, i.State, i.Remote.URI, i.LocalHold, i.RemoteHold, i.Transfer, i.ReferredBy, i.Reason, i.Code)
	}
	return b.String()
}

// answerNext answers the next incoming call that is not one of skip.
func (x *xferPhone) answerNext(t *testing.T, skip ...string) call.Info {
	t.Helper()
	in := x.waitFor(t, 5*time.Second, "incoming call", func(i call.Info) bool {
		if i.State != call.Incoming {
			return false
		}
		for _, s := range skip {
			if i.ID == s {
				return false
			}
		}
		return true
	})
	if err := x.Answer(context.Background(), in.ID); err != nil {
		t.Fatalf("%s: answer %s: %v", x.name, in.ID, err)
	}
	x.waitState(t, in.ID, call.Connected, 5*time.Second)
	return in
}

// connect has from call to's URI, to answer it, and returns both call ids.
func connect(t *testing.T, from, to *xferPhone, uri string) (string, string) {
	t.Helper()
	// The calls to skip are listed before dialling: the new one may
	// arrive before Dial returns.
	var known []string
	for _, i := range to.Calls() {
		known = append(known, i.ID)
	}
	id, err := from.Dial(context.Background(), uri, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := to.answerNext(t, known...)
	from.waitState(t, id, call.Connected, 5*time.Second)
	return id, in.ID
}

// recordingOf is the file call id of x recorded into.
func (x *xferPhone) recordingOf(t *testing.T, id string) string {
	t.Helper()
	x.tonePhone.mu.Lock()
	defer x.tonePhone.mu.Unlock()
	for _, r := range x.recs {
		if filepath.Base(r) == id+".wav" {
			return r
		}
	}
	t.Fatalf("%s: no recording of call %s in %v", x.name, id, x.recs)
	return ""
}

// flowing checks that call id sends and receives audio now: both counters
// grow by at least 20 packets (of 50 at 20 ms) within a second.
func (x *xferPhone) flowing(t *testing.T, id string) {
	t.Helper()
	s1 := x.stats(t, id)
	time.Sleep(time.Second)
	s2 := x.stats(t, id)
	if s2.PacketsSent < s1.PacketsSent+20 || s2.PacketsReceived < s1.PacketsReceived+20 {
		t.Errorf("%s call %s: in 1 s sent %d, received %d packets; want ~50 each way",
			x.name, id, s2.PacketsSent-s1.PacketsSent, s2.PacketsReceived-s1.PacketsReceived)
	}
}

func (x *xferPhone) stats(t *testing.T, id string) media.Stats {
	t.Helper()
	s, err := x.CallStats(id)
	if err != nil {
		t.Fatalf("%s: stats of %s: %v", x.name, id, err)
	}
	return s
}

// ended returns call id's ended event.
func (x *xferPhone) ended(t *testing.T, id string, within time.Duration) call.Info {
	t.Helper()
	return x.waitState(t, id, call.Ended, within)
}
