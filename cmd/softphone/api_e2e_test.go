//go:build linux

package main

import (
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestAPIDrivesCallsWithBaresip runs `softphone serve` registered at a
// real Kamailio and drives it only through its API, with a real HTTP
// client and a real WebSocket client, against baresip: dial, events in
// order, hold, resume, DTMF, blind transfer, hang-up, an incoming call
// answered, and a reconnecting client resuming where it was.
func TestAPIDrivesCallsWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	bin := buildBinary(t)
	cfg := consoleConfig(t, k, "")
	s := startServe(t, bin, cfg, nil, append(consoleArgs(t, cfg)[4:], "--codecs", "pcmu", "-v")...)

	// Nothing without the token.
	for _, tok := range []string{"", "not-the-token-not-the-token-not-the-token"} {
		if code, m := s.callAs(tok, "GET", "/v1/state", nil); code != 401 || m["error"] == nil {
			t.Fatalf("state with token %q: %d %v, want 401", tok, code, m)
		}
		if code, _ := s.callAs(tok, "POST", "/v1/calls", map[string]string{"to": "sip:bob@" + k.Domain}); code != 401 {
			t.Fatalf("dial with token %q: %d, want 401", tok, code)
		}
	}

	ev := s.openEvents("")
	first := ev.wait(5*time.Second, "the state", func(m map[string]any) bool { return true })
	if first.m["event"] != "state" {
		t.Fatalf("first message %v, want the state", first.m)
	}
	s.waitRegistered(15 * time.Second)

	// Dial, hold, resume, DTMF.
	id, _ := s.must("POST", "/v1/calls", map[string]string{"to": "sip:bob@" + k.Domain})["id"].(string)
	if id == "" {
		t.Fatal("dial answered without an id")
	}
	ev.wait(10*time.Second, "connected", isCall(id, "connected"))
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if calls, _ := s.must("GET", "/v1/calls", nil)["calls"].([]any); len(calls) != 1 || calls[0].(map[string]any)["id"] != id {
		t.Fatalf("calls %v", calls)
	}
	s.must("POST", "/v1/calls/"+id+"/hold", nil)
	ev.wait(5*time.Second, "held", isCall(id, "held"))
	if !strings.Contains(bob.Log(), "a=sendonly") {
		t.Fatal("baresip got no re-INVITE with a=sendonly")
	}
	if code, m := s.call("POST", "/v1/calls/nosuchcall/hold", nil); code != 404 || m["error"] == nil {
		t.Fatalf("holding an unknown call: %d %v, want 404", code, m)
	}
	if code, m := s.call("POST", "/v1/calls/"+id+"/dtmf", map[string]string{"digits": "4x"}); code != 400 || m["error"] == nil {
		t.Fatalf("DTMF 4x: %d %v, want 400", code, m)
	}
	s.must("POST", "/v1/calls/"+id+"/resume", nil)
	ev.wait(5*time.Second, "resumed", isCall(id, "connected"))
	s.must("POST", "/v1/calls/"+id+"/dtmf", map[string]string{"digits": "42"})
	var got string
	for len(got) < 2 {
		got += bareWait(t, bob, "CALL_DTMF_START", 5*time.Second).Param
	}
	if got != "42" {
		t.Fatalf("baresip received DTMF %q, want 42", got)
	}

	// A second client drops out here and resumes later.
	late := s.openEvents("")
	lateFirst := late.wait(5*time.Second, "the state", func(m map[string]any) bool { return m["event"] == "state" })
	late.conn.CloseNow()

	// Blind transfer: bob calls carol, our call ends.
	s.must("POST", "/v1/calls/"+id+"/transfer", map[string]string{"to": "sip:carol@" + k.Domain})
	ended := ev.wait(15*time.Second, "the transferred call ending", isCall(id, "ended"))
	if e := bareWait(t, carol, "CALL_ESTABLISHED", 10*time.Second); !strings.Contains(e.Param, "bob") {
		t.Fatalf("carol got a call from %q, want bob (transferred)", e.Param)
	}
	if tr := ended.m["transfer"]; tr != "done" {
		t.Fatalf("transferred call ended with transfer %v: %v", tr, ended.m)
	}

	// `softphone dial` from a script reaches the running phone.
	dial := exec.Command(s.bin, "dial", "--config", s.cfg, "sip:bob@"+k.Domain)
	dial.Env = append(dial.Environ(), s.env...)
	out, err := dial.Output()
	if err != nil {
		t.Fatalf("softphone dial: %v", err)
	}
	dialled := strings.TrimSpace(string(out))
	ev.wait(10*time.Second, "the dialled call connected", isCall(dialled, "connected"))
	s.must("POST", "/v1/calls/"+dialled+"/hangup", nil)
	ev.wait(10*time.Second, "the dialled call ended", isCall(dialled, "ended"))

	// An incoming call answered and hung up through the API.
	if err := carol.Hangup(); err != nil {
		t.Logf("carol hangup: %v", err)
	}
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := ev.wait(10*time.Second, "the incoming call", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "incoming"
	})
	inID := in.m["id"].(string)
	started, err := time.Parse(time.RFC3339Nano, in.m["started"].(string))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("ring → WebSocket message: %v", in.at.Sub(started))
	s.must("POST", "/v1/calls/"+inID+"/answer", nil)
	ev.wait(10*time.Second, "answered", isCall(inID, "connected"))
	s.must("POST", "/v1/calls/"+inID+"/hangup", nil)
	ev.wait(10*time.Second, "hung up", isCall(inID, "ended"))

	// Every event came once, in version order, none missing.
	msgs := ev.all()
	last := version(msgs[0])
	for _, m := range msgs[1:] {
		if v := version(m); v != last+1 {
			t.Fatalf("event version %d after %d: %v", v, last, m)
		}
		last = version(m)
	}

	// The late client resumes: it gets exactly what it missed.
	q := fmt.Sprintf("?since=%d&session=%s", version(lateFirst.m), lateFirst.m["session"])
	resumed := s.openEvents(q)
	resumed.wait(5*time.Second, "the resumption", func(m map[string]any) bool { return m["event"] == "resumed" })
	resumed.wait(5*time.Second, "the missed transfer", isCall(id, "ended"))
	resumed.wait(5*time.Second, "the missed incoming call", isCall(inID, "ended"))
	r := resumed.all()
	for i, m := range r[1:] {
		if v := version(m); v != version(lateFirst.m)+1+uint64(i) {
			t.Fatalf("resumed event %d has version %d, want %d", i, v, version(lateFirst.m)+1+uint64(i))
		}
	}

	// The token was in every request; it is in no log line (-v).
	if strings.Contains(s.stderr.String(), s.token) {
		t.Fatal("the token appears in the phone's log")
	}
	if d := s.terminate(); d > 2*time.Second {
		t.Fatalf("serve took %v to exit after SIGTERM", d)
	}
}

// TestServeRefusesARemoteAddressWithoutAllowRemote: a non-loopback API
// address is refused before anything listens, unless the configuration
// allows it and has TLS.
func TestServeRefusesARemoteAddressWithoutAllowRemote(t *testing.T) {
	bin := buildBinary(t)
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n")
	for _, addr := range []string{"0.0.0.0:0", ":0", "198.18.0.1:0"} {
		cmd := exec.Command(bin, "serve", "--config", cfg, "--data", t.TempDir(), "--api", addr)
		cmd.Env = append(cmd.Environ(), "XDG_RUNTIME_DIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		code := -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
		if code != exitUsage || !strings.Contains(string(out), "allow_remote") {
			t.Fatalf("serve --api %s: exit %d, %q; want exit %d naming allow_remote", addr, code, out, exitUsage)
		}
	}
	// Allowed but without TLS: still refused.
	cfg = writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n[api]\nallow_remote = true\n")
	cmd := exec.Command(bin, "serve", "--config", cfg, "--data", t.TempDir(), "--api", "0.0.0.0:0")
	cmd.Env = append(cmd.Environ(), "XDG_RUNTIME_DIR="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(strings.ToLower(string(out)), "tls") {
		t.Fatalf("allow_remote without TLS: %v %q, want refused naming TLS", err, out)
	}
}

// TestOnePhonePerConfiguration: a second phone with the configuration of
// a running one does not start (it would register the same accounts and
// write the same history); it says which one runs.
func TestOnePhonePerConfiguration(t *testing.T) {
	bin := buildBinary(t)
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n")
	s := startServe(t, bin, cfg, nil)
	cmd := exec.Command(bin, "serve", "--config", cfg, "--data", t.TempDir(), "--api", "127.0.0.1:0")
	cmd.Env = append(cmd.Environ(), s.env...)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitRuntime || !strings.Contains(string(out), "already runs") {
		t.Fatalf("second serve: %v %q, want exit %d saying one already runs", err, out, exitRuntime)
	}
	// The first one still serves.
	s.must("GET", "/v1/state", nil)
}
