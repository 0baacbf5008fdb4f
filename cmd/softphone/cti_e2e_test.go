//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/cti"
	"github.com/softphone/softphone/internal/testlab"
)

// hookReceiver is a local HTTP endpoint for webhooks: it checks each
// signature and keeps the deliveries in arrival order, refusing the very
// first attempt so a retry is needed.
type hookReceiver struct {
	t      *testing.T
	secret string
	srv    *httptest.Server

	mu       sync.Mutex
	attempts int
	got      []map[string]any
	bad      []string
}

func newHookReceiver(t *testing.T, secret string) *hookReceiver {
	r := &hookReceiver{t: t, secret: secret}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		r.attempts++
		if err := cti.Verify(secret, req.Header.Get("X-Softphone-Signature"), body, time.Now(), time.Minute); err != nil {
			r.bad = append(r.bad, err.Error())
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if r.attempts == 1 {
			w.WriteHeader(http.StatusServiceUnavailable) // the first delivery must be retried
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || m["event"] != req.Header.Get("X-Softphone-Event") {
			r.bad = append(r.bad, fmt.Sprintf("body %q for event header %q", body, req.Header.Get("X-Softphone-Event")))
		}
		r.got = append(r.got, m)
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// events is the triggers delivered for call id, in arrival order.
func (r *hookReceiver) events(id string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, m := range r.got {
		if m["call_id"] == id {
			out = append(out, fmt.Sprint(m["event"]))
		}
	}
	return out
}

func (r *hookReceiver) waitFor(id string, want []string) {
	r.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for strings.Join(r.events(id), ",") != strings.Join(want, ",") {
		if time.Now().After(deadline) {
			r.mu.Lock()
			bad := r.bad
			r.mu.Unlock()
			r.t.Fatalf("webhooks for %s: %v, want %v (refused: %v)", id, r.events(id), want, bad)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitLines waits until file holds at least n lines and returns them.
func waitLines(t *testing.T, file string, n int) []string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, _ := os.ReadFile(file)
		lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
		if len(b) > 0 && len(lines) >= n {
			return lines
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q, want %d lines", file, b, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestScreenPopHooksAndWebhooksOnRealCalls runs `softphone serve` with
// a screen-pop (xdg-open replaced by a recorder in the test's PATH),
// hooks (a small script) and a webhook (a local receiver that checks the
// signatures and the order), and has baresip call it twice: once
// answered through the API, once given up on (missed).
func TestScreenPopHooksAndWebhooksOnRealCalls(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, AnswerMode: "manual"})
	bin := buildBinary(t)
	dir := t.TempDir()

	// The recorder stands in for xdg-open, first in the phone's PATH.
	fakeBin := filepath.Join(dir, "bin")
	popups := filepath.Join(dir, "popups.txt")
	hookLog := filepath.Join(dir, "hooks.txt")
	hook := filepath.Join(dir, "hook.sh")
	for path, body := range map[string]string{
		filepath.Join(fakeBin, "xdg-open"): "#!/bin/sh\nprintf '%s\\n' \"$1\" >> " + popups + "\n",
		hook:                               "#!/bin/sh\nprintf '%s|%s|%s|%s|%s\\n' \"$1\" \"$SOFTPHONE_EVENT\" \"$SOFTPHONE_NUMBER\" \"$SOFTPHONE_NAME\" \"$SOFTPHONE_CALL_ID\" >> " + hookLog + "\n",
	} {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	const secret = "webhook-secret-of-the-test"
	recv := newHookReceiver(t, secret)
	cti := fmt.Sprintf(`[cti]
popup_url = "https://crm.example.com/search?phone={number}&name={name}&call={call_id}"
popup_on = "ring"
on_ring = [%q, "ring"]
on_answer = [%q, "answer"]
on_hangup = [%q, "hangup"]
on_missed = [%q, "missed"]
hook_timeout = 5
webhook_url = %q
webhook_secret = %q
`, hook, hook, hook, hook, recv.srv.URL+"/hook", secret)
	cfg := consoleConfig(t, k, cti)
	data := t.TempDir()
	if out, err := exec.Command(bin, "contacts", "add", "--data", data, "Bob Builder", "sip:bob@"+k.Domain).CombinedOutput(); err != nil {
		t.Fatalf("contacts add: %v\n%s", err, out)
	}
	s := startServe(t, bin, cfg, []string{"PATH=" + fakeBin + ":" + os.Getenv("PATH")}, "--data", data, "--codecs", "pcmu")
	s.waitRegistered(15 * time.Second)
	ev := s.openEvents("")

	// An answered call: ring, answer (through the API), hang-up.
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	ring := ev.wait(10*time.Second, "the first call", func(m map[string]any) bool { return m["event"] == "call" && m["state"] == "incoming" })
	id := ring.m["id"].(string)
	pop := waitLines(t, popups, 1)[0]
	want := "https://crm.example.com/search?phone=bob&name=Bob+Builder&call=" + id
	if pop != want {
		t.Fatalf("screen-pop opened %q, want %q", pop, want)
	}
	s.must("POST", "/v1/calls/"+id+"/answer", nil)
	ev.wait(10*time.Second, "answered", isCall(id, "connected"))
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	ev.wait(10*time.Second, "the first call ended", isCall(id, "ended"))
	recv.waitFor(id, []string{"ring", "answer", "hangup"})

	// A missed call: bob gives up while it rings.
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	ring2 := ev.wait(10*time.Second, "the second call", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "incoming" && m["id"] != id
	})
	id2 := ring2.m["id"].(string)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	ev.wait(10*time.Second, "the second call ended", isCall(id2, "ended"))
	recv.waitFor(id2, []string{"ring", "hangup", "missed"})

	hooks := waitLines(t, hookLog, 6)
	wantHooks := []string{
		"ring|ring|bob|Bob Builder|" + id, "answer|answer|bob|Bob Builder|" + id, "hangup|hangup|bob|Bob Builder|" + id,
		"ring|ring|bob|Bob Builder|" + id2, "hangup|hangup|bob|Bob Builder|" + id2, "missed|missed|bob|Bob Builder|" + id2,
	}
	for _, w := range wantHooks {
		if !slices.Contains(hooks, w) {
			t.Fatalf("hooks ran %q; missing %q", hooks, w)
		}
	}
	if n := len(waitLines(t, popups, 1)); n != 2 {
		t.Fatalf("%d screen-pops, want one per ringing call", n)
	}
	recv.mu.Lock()
	defer recv.mu.Unlock()
	if len(recv.bad) > 0 {
		t.Fatalf("webhooks with bad signatures or bodies: %v", recv.bad)
	}
	if recv.attempts != len(recv.got)+1 {
		t.Fatalf("%d attempts for %d deliveries: the refused first one was not retried exactly once", recv.attempts, len(recv.got))
	}
}
