package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

// The commands of the event features (voicemail indication, busy lamps,
// pickup) against Kamailio's presence server.

var vmUser = testlab.User{Name: "vm", Password: "vm-secret"}

func presenceKamailio(t *testing.T) *testlab.Kamailio {
	t.Helper()
	return testlab.StartPresenceKamailio(t, testlab.KamailioOptions{Users: append(append([]testlab.User(nil), testlab.DefaultUsers...), vmUser)})
}

// publishVoicemail publishes user's mailbox as the voicemail server would.
func publishVoicemail(t *testing.T, k *testlab.Kamailio, user string, s presence.MessageSummary) {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	from := sip.Target{Username: vmUser.Name, Password: vmUser.Password, Domain: k.Domain, Proxy: k.UDPAddr, Transport: "udp"}
	if _, err := ua.Publish(ctx, sip.PublishOptions{From: from, To: "sip:" + user + "@" + k.Domain, Event: "message-summary",
		ContentType: "application/simple-message-summary", Body: s.Format(), Expires: 3600}); err != nil {
		t.Fatalf("voicemail PUBLISH for %s: %v", user, err)
	}
}

func TestVoicemailCommand(t *testing.T) {
	k := presenceKamailio(t)
	publishVoicemail(t, k, "alice", presence.MessageSummary{Waiting: true, Classes: map[string]presence.Counts{"voice-message": {New: 2, Old: 5, UrgentNew: 1}}})
	cfg := consoleConfig(t, k, "")
	cfg = writeFile(t, readFile(t, cfg)+"voicemail = \"*97\"\n")
	data := t.TempDir()

	code, out, errOut := runCLI(t, "voicemail", "--config", cfg, "--data", data)
	if code != exitOK || out != "alice: 2 new, 5 old (1 urgent), voicemail *97\n" {
		t.Fatalf("voicemail: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, "voicemail", "--config", cfg, "--data", data, "--json")
	if e := findEvent(jsonEvents(t, out), "voicemail", "account", "alice"); code != exitOK || e == nil || e["new"] != float64(2) || e["waiting"] != true {
		t.Fatalf("voicemail --json: exit %d\n%s", code, out)
	}

	// No count without a subscription: after --timeout, exit 1.
	noMWI := writeFile(t, readFile(t, cfg)+"mwi = false\n")
	if code, _, errOut := runCLI(t, "voicemail", "--config", noMWI, "--data", data); code != exitUsage || !strings.Contains(errOut, "mwi = false") {
		t.Fatalf("mwi = false: exit %d %q", code, errOut)
	}
	plain := testlab.StartKamailio(t, testlab.KamailioOptions{}) // no presence server: the SUBSCRIBE fails
	code, out, _ = runCLI(t, "voicemail", "--config", consoleConfig(t, plain, ""), "--data", data, "--timeout", "2s")
	if code != exitFailed || !strings.Contains(out, "alice: unknown (no message-waiting notification within 2s)") {
		t.Fatalf("without a presence server: exit %d %q", code, out)
	}
	if code, _, errOut := runCLI(t, "voicemail", "--config", cfg, "--timeout", "-1s"); code != exitUsage || !strings.Contains(errOut, "--timeout") {
		t.Fatalf("bad timeout: exit %d %q", code, errOut)
	}
}

// TestWatchCommand streams bob's busy lamp while carol calls him: ringing,
// busy once he answers, idle after the hang-up.
func TestWatchCommand(t *testing.T) {
	k := presenceKamailio(t)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, AnswerMode: "manual"})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k})
	cfg := consoleConfig(t, k, "")
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	errb := &testlab.SyncBuffer{}
	outR, outW := io.Pipe()
	go func() {
		done <- runIO(ctx, []string{"watch", "--config", cfg, "--data", data, "bob"}, nil, outW, errb)
		outW.Close()
	}()
	// The lines as they come, all read so the command never blocks on
	// its output.
	lines := make(chan string, 4096)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var seen []string
	// waitLine reads the output up to the next line containing want.
	waitLine := func(want string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("output ended before a line %q:\n%s\nstderr:\n%s", want, strings.Join(seen, "\n"), errb.String())
				}
				seen = append(seen, l)
				if strings.Contains(l, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no line %q after:\n%s\nstderr:\n%s", want, strings.Join(seen, "\n"), errb.String())
			}
		}
	}
	uri := "blf bob "
	// The subscription starts once alice is registered; Kamailio's first
	// NOTIFY (no call, no body) shows the line idle: it is in place.
	waitLine("alice: registered")
	waitLine(uri + "idle")
	if err := carol.Dial("sip:bob@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	waitLine(uri + "ringing")
	bareWait(t, bob, "CALL_INCOMING", 5*time.Second)
	if err := bob.Accept(); err != nil {
		t.Fatal(err)
	}
	waitLine(uri + "busy")
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	waitLine(uri + "idle") // after busy: the lines are read in order
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("watch exit %d", code)
	}
	if code, _, errOut := runCLI(t, "watch", "--config", cfg); code != exitUsage || !strings.Contains(errOut, "usage: softphone watch") {
		t.Fatalf("watch without URI: exit %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, "watch", "--config", cfg, "bob smith"); code != exitUsage || !strings.Contains(errOut, "spaces") {
		t.Fatalf("watch of a bad URI: exit %d %q", code, errOut)
	}
}

// TestConsoleWatchAndPickup: alice's console watches bob; carol (another
// copy of the program: baresip 1.0 ignores Replaces) calls him; alice picks
// the ringing call up and talks with carol, bob stops ringing.
func TestConsoleWatchAndPickup(t *testing.T) {
	k := presenceKamailio(t)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, AnswerMode: "manual"})
	alice := startConsole(t, consoleArgs(t, consoleConfig(t, k, ""))...)
	alice.registered("alice")
	carolCfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "carol", "carol", "carol-secret", "udp", k.UDPAddr, ""))
	carol := startConsole(t, "--config", carolCfg, "--data", t.TempDir())
	carol.registered("carol")

	alice.do("watch bob", true)
	if r := alice.do("pickup bob", false); !strings.Contains(r["error"].(string), "no ringing call") {
		t.Fatalf("pickup with nothing ringing: %v", r)
	}
	// The subscription's first NOTIFY (no dialog) shows bob idle: it is
	// in place before the call.
	alice.wait(10*time.Second, "bob idle", func(m map[string]any) bool {
		return m["event"] == "blf" && m["uri"] == "bob" && m["state"] == "idle"
	})
	cid := carol.do("dial bob", true)["call"].(string)
	bareWait(t, bob, "CALL_INCOMING", 5*time.Second)
	alice.wait(10*time.Second, "bob ringing", func(m map[string]any) bool {
		return m["event"] == "blf" && m["uri"] == "bob" && m["state"] == "ringing"
	})
	if r := alice.do("watch", true); fmt.Sprint(r["watched"]) != "map[bob:ringing]" {
		t.Fatalf("watch reply %v", r)
	}
	id := alice.do("pickup bob", true)["call"].(string)
	alice.callState(10*time.Second, id, "connected")
	in := carol.callState(10*time.Second, "", "connected")
	if in["id"] == cid && !strings.Contains(fmt.Sprint(in["remote"]), "alice") {
		t.Fatalf("carol's connected call is not with alice: %v", in)
	}
	if e := bareWait(t, bob, "CALL_CLOSED", 5*time.Second); e.Param == "" {
		t.Logf("bob's call closed: %+v", e)
	}
	alice.do("hangup "+id, true)
	carol.callState(5*time.Second, "", "ended")
	alice.quit()
	carol.quit()
}
