package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

func TestMessageSendInput(t *testing.T) {
	cfg := writeFile(t, twoAccounts)
	for _, c := range []struct {
		args   []string
		errHas string
	}{
		{nil, "usage: softphone message send"},
		{[]string{"send"}, "usage: softphone message send"},
		{[]string{"send", "bob"}, "usage: softphone message send"},
		{[]string{"sned", "bob", "hi"}, `unknown command "sned"`},
		{[]string{"send", "bob", "  "}, "empty text"},
		{[]string{"send", "bob", "hi\x1b[2J"}, "control characters"},
		{[]string{"send", "bob", "\xff\xfe"}, "not valid UTF-8"},
		{[]string{"send", "bob x", "hi"}, "spaces"},
		{[]string{"send", "<sip:bob@h>", "hi"}, "cannot hold"},
		{[]string{"send", "bob", "hi", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"send", "--nope", "bob", "hi"}, "flag provided but not defined"},
	} {
		args := append([]string{"message"}, c.args...)
		if len(c.args) > 0 {
			args = append(args, "--config", cfg)
		}
		code, _, errOut := runCLI(t, args...)
		if code != exitUsage || !strings.Contains(errOut, c.errHas) {
			t.Fatalf("%q: exit %d, stderr %q; want %d with %q", c.args, code, errOut, exitUsage, c.errHas)
		}
	}
}

// TestMessageSend: a MESSAGE to a registered baresip is delivered (exit
// 0); one to a user with no phone gets 404 from the proxy (exit 1, the code
// on stderr).
func TestMessageSend(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k})
	cfg := consoleConfig(t, k, "")
	data := t.TempDir()

	code, out, errOut := runCLI(t, "message", "send", "--config", cfg, "--data", data, "--json", "bob", "hello", "bob")
	if code != exitOK {
		t.Fatalf("to bob: exit %d\n%s\n%s", code, out, errOut)
	}
	evs := jsonEvents(t, out)
	d := findEvent(evs, "message", "state", "delivered")
	if d == nil || d["text"] != "hello bob" || !strings.Contains(d["peer"].(string), "bob@") {
		t.Fatalf("no delivered event for the text:\n%s", out)
	}

	code, out, errOut = runCLI(t, "message", "send", "--config", cfg, "--data", data, "carol", "anyone there?")
	if code != exitFailed || !strings.Contains(errOut, "404") {
		t.Fatalf("to carol (not registered): exit %d, stderr %q; want %d with 404\n%s", code, errOut, exitFailed, out)
	}
	if !strings.Contains(out, "failed: 404") {
		t.Fatalf("human output lacks the failure:\n%s", out)
	}

	// Both are in the database: the conversations, then bob's thread.
	code, out, errOut = runCLI(t, "messages", "--data", data, "--json")
	if code != exitOK {
		t.Fatalf("messages: exit %d %s", code, errOut)
	}
	convs := jsonEvents(t, out)
	if len(convs) != 2 {
		t.Fatalf("want 2 conversations:\n%s", out)
	}
	states := map[string]string{}
	for _, c := range convs {
		last := c["last"].(map[string]any)
		states[last["text"].(string)] = fmt.Sprint(last["state"], " ", last["code"])
	}
	if states["hello bob"] != "delivered <nil>" || states["anyone there?"] != "failed 404" {
		t.Fatalf("conversations %v", states)
	}
	code, out, _ = runCLI(t, "messages", "--data", data, "sip:bob@"+k.Domain)
	if code != exitOK || !strings.Contains(out, "→ hello bob") || strings.Contains(out, "anyone") {
		t.Fatalf("bob's thread: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "messages", "--data", data, "sip:carol@"+k.Domain)
	if code != exitOK || !strings.Contains(out, "→ anyone there?  (not delivered: 404 Not Found)") {
		t.Fatalf("carol's thread: exit %d\n%s", code, out)
	}
}

// TestMessagesBetweenConsoles: bob's console sends alice's a MESSAGE; it
// shows at once on alice's, then in her conversations, unread until
// --mark-read.
func TestMessagesBetweenConsoles(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	aliceArgs := consoleArgs(t, consoleConfig(t, k, ""))
	alice := startConsole(t, aliceArgs...)
	alice.registered("alice")
	bobCfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "bob", "bob", "bob-secret", "udp", k.UDPAddr, ""))
	bob := startConsole(t, "--config", bobCfg, "--data", t.TempDir())
	bob.registered("bob")

	r := bob.do("message alice  hi there, alice ", true)
	key := r["message"].(map[string]any)["key"]
	bob.wait(10*time.Second, "delivered", func(m map[string]any) bool {
		return m["event"] == "message" && m["key"] == key && m["state"] == "delivered"
	})
	in := alice.wait(5*time.Second, "incoming message", func(m map[string]any) bool {
		return m["event"] == "message" && m["incoming"] == true
	})
	if in["text"] != "hi there, alice" || !strings.HasPrefix(fmt.Sprint(in["peer"]), "sip:bob@") {
		t.Fatalf("alice got %v", in)
	}
	bob.do("message nobody hello?", true)
	bob.wait(10*time.Second, "failed", func(m map[string]any) bool {
		return m["event"] == "message" && m["state"] == "failed" && m["code"] == float64(404)
	})
	alice.quit()
	bob.quit()

	data := aliceArgs[3] // --data DIR
	peer := fmt.Sprint(in["peer"])
	code, out, _ := runCLI(t, "messages", "--data", data)
	if code != exitOK || !strings.Contains(out, peer) || !strings.Contains(out, "1 unread") || !strings.Contains(out, "← hi there, alice") {
		t.Fatalf("alice's conversations: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "messages", peer, "--data", data, "--mark-read")
	if code != exitOK || !strings.Contains(out, "← hi there, alice  (new)") {
		t.Fatalf("the thread: exit %d\n%s", code, out)
	}
	code, out, _ = runCLI(t, "messages", "--data", data)
	if code != exitOK || strings.Contains(out, "unread") {
		t.Fatalf("after --mark-read: exit %d\n%s", code, out)
	}
	if code, _, errOut := runCLI(t, "messages", "a", "b", "--data", data); code != exitUsage || !strings.Contains(errOut, "unexpected argument") {
		t.Fatalf("two peers: exit %d %q", code, errOut)
	}
}
