package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const twoAccounts = `# forwarding test
[[account]]
name = "alice"   # the main line
username = "alice"
domain = "example.com"

# the second line
[[account]]
name = "work"
username = "w1"
domain = "example.org"
`

func TestForwardCommandEditsConfig(t *testing.T) {
	cfg := writeFile(t, twoAccounts)
	for _, c := range []struct {
		args   []string
		code   int
		out    string // exact stdout; "" = not checked
		errHas string
	}{
		{[]string{"--always", "carol"}, exitUsage, "", "2 accounts (alice, work): choose one with --account"},
		{[]string{"--account", "zed", "--off"}, exitUsage, "", `unknown account "zed"`},
		{[]string{"--account", "alice", "--always", "sip:x y@h"}, exitUsage, "", "forward_always"},
		{[]string{"--account", "alice", "--always", "<sip:x@h>"}, exitUsage, "", "forward_always"},
		{[]string{"--account", "alice", "--after", "30"}, exitUsage, "", "--after needs a no-answer target"},
		{[]string{"--account", "alice", "--no-answer", "vm", "--after", "601"}, exitUsage, "", "between 1 and 600"},
		{[]string{"--account", "alice", "--off", "--busy", "x"}, exitUsage, "", "--off"},
		{[]string{"--show", "--off"}, exitUsage, "", "--show"},
		{[]string{"--account", "alice", "extra"}, exitUsage, "", "unexpected argument"},
		{[]string{"--account", "alice", "--always", "carol"}, exitOK, "alice: always → carol\n", ""},
		{[]string{"--account", "alice", "--busy", "sip:vm@example.com", "--no-answer", "vm", "--after", "15"}, exitOK,
			"alice: always → carol, busy → sip:vm@example.com, no answer after 15s → vm\n", ""},
		{[]string{"--account", "alice", "--always", ""}, exitOK, "alice: busy → sip:vm@example.com, no answer after 15s → vm\n", ""},
		{[]string{"--show"}, exitOK, "alice: busy → sip:vm@example.com, no answer after 15s → vm\nwork: no forwarding\n", ""},
		{nil, exitOK, "alice: busy → sip:vm@example.com, no answer after 15s → vm\nwork: no forwarding\n", ""},
		{[]string{"--show", "--json", "--account", "alice"}, exitOK, `{"account":"alice","busy":"sip:vm@example.com","no_answer":"vm","no_answer_after":15}` + "\n", ""},
	} {
		before := readFile(t, cfg)
		code, out, errOut := runCLI(t, append([]string{"forward", "--config", cfg}, c.args...)...)
		if code != c.code || c.out != "" && out != c.out || !strings.Contains(errOut, c.errHas) {
			t.Fatalf("forward %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.args, code, out, errOut, c.code, c.out, c.errHas)
		}
		if code != exitOK && readFile(t, cfg) != before {
			t.Fatalf("forward %q failed but changed the file", c.args)
		}
	}
	text := readFile(t, cfg)
	for _, want := range []string{"# forwarding test", "# the second line", `forward_busy = "sip:vm@example.com"`, `forward_no_answer = "vm"`, "forward_no_answer_after = 15"} {
		if !strings.Contains(text, want) {
			t.Fatalf("config lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "forward_always") {
		t.Fatalf("--always \"\" left the key:\n%s", text)
	}
	if code, out, _ := runCLI(t, "forward", "--config", cfg, "--account", "alice", "--off"); code != exitOK || out != "alice: no forwarding\n" {
		t.Fatalf("--off: %d %q", code, out)
	}
	if text := readFile(t, cfg); strings.Contains(text, "forward_") || !strings.Contains(text, "# the second line") {
		t.Fatalf("config after --off:\n%s", text)
	}
}

func TestDNDCommandInput(t *testing.T) {
	cfg := writeFile(t, twoAccounts)
	for _, c := range []struct {
		args   []string
		code   int
		out    string
		errHas string
	}{
		{[]string{"maybe"}, exitUsage, "", "not on, off or status"},
		{nil, exitUsage, "", "usage: softphone dnd"},
		{[]string{"on", "off"}, exitUsage, "", "usage: softphone dnd"},
		{[]string{"on", "--account", "nope"}, exitUsage, "", `unknown account "nope"`},
		{[]string{"on", "--account", "work"}, exitOK, "work: do not disturb on\n", ""},
		{[]string{"status"}, exitOK, "alice: do not disturb off\nwork: do not disturb on\n", ""},
		{[]string{"status", "--json"}, exitOK, `{"account":"alice","dnd":false}` + "\n" + `{"account":"work","dnd":true}` + "\n", ""},
		{[]string{"OFF"}, exitOK, "alice: do not disturb off\nwork: do not disturb off\n", ""},
	} {
		code, out, errOut := runCLI(t, append([]string{"dnd", "--config", cfg}, c.args...)...)
		if code != c.code || c.out != "" && out != c.out || !strings.Contains(errOut, c.errHas) {
			t.Fatalf("dnd %q: exit %d, stdout %q, stderr %q; want %d, %q, %q", c.args, code, out, errOut, c.code, c.out, c.errHas)
		}
	}
	if text := readFile(t, cfg); !strings.Contains(text, "# the main line") || strings.Contains(text, "dnd = true") {
		t.Fatalf("config after dnd on then off:\n%s", text)
	}
}

// TestForwardAlwaysReachesTarget: after 'forward --always carol', bob's
// call to alice's running phone ends up at carol's baresip (302).
func TestForwardAlwaysReachesTarget(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := consoleConfig(t, k, "")
	if code, out, errOut := runCLI(t, "forward", "--config", cfg, "--always", "carol"); code != exitOK || out != "alice: always → carol\n" {
		t.Fatalf("forward: %d %q %q", code, out, errOut)
	}
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	c := startConsole(t, consoleArgs(t, cfg)...)
	c.registered("alice")
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	if e := bareWait(t, carol, "CALL_ESTABLISHED", 10*time.Second); !strings.Contains(e.PeerURI, "bob") {
		t.Fatalf("carol's call is from %q, want bob", e.PeerURI)
	}
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	bareWait(t, carol, "CALL_CLOSED", 5*time.Second)
	c.quit()
	for _, m := range c.seen {
		if m["event"] == "call" && m["state"] == "connected" {
			t.Fatalf("alice's phone connected a call it should have forwarded: %v", m)
		}
	}
}
