package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// consoleArgs are the console's flags for alice's config: a 16 kHz 1700 Hz
// tone as the microphone (no sound card needed) and a fresh database.
func consoleArgs(t *testing.T, cfg string) []string {
	t.Helper()
	dir := t.TempDir()
	tone := filepath.Join(dir, "1700.wav")
	if err := testlab.WriteToneWAV(tone, 16000, 1700, 5*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	return []string{"--config", cfg, "--data", dir, "--play", tone}
}

// consoleConfig is a config file for alice at k, listening on loopback.
func consoleConfig(t *testing.T, k *testlab.Kamailio, extra string) string {
	t.Helper()
	return writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+extra+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
}

// bareWait waits for baresip's next event of typ.
func bareWait(t *testing.T, b *testlab.Baresip, typ string, within time.Duration) testlab.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	e, err := b.WaitEvent(ctx, typ)
	if err != nil {
		var seen []string
		for _, e := range b.Events() {
			seen = append(seen, e.Type+"("+e.Param+")")
		}
		t.Fatalf("baresip %s: no %s within %v: %v; events %v", b.User, typ, within, err, seen)
	}
	return e
}

// TestConsoleDialHoldResumeHangup drives one call to an auto-answering
// baresip from the console's command line: dial, calls, hold, resume,
// DTMF, hangup, quit.
func TestConsoleDialHoldResumeHangup(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	c := startConsole(t, append(consoleArgs(t, consoleConfig(t, k, "")), "--codecs", "pcmu")...)
	c.registered("alice")

	r := c.do("dial sip:bob@"+k.Domain, true)
	id, _ := r["call"].(string)
	if len(id) != 16 {
		t.Fatalf("dial reply without a call id: %v", r)
	}
	c.callState(10*time.Second, id, "connected")
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)

	r = c.do("calls", true)
	calls, _ := r["calls"].([]any)
	if len(calls) != 1 || calls[0].(map[string]any)["id"] != id {
		t.Fatalf("calls reply %v", r)
	}
	// An ID prefix names the call; without one, the only call up is meant.
	if r := c.do("hold "+id[:5], true); r["call"] != id {
		t.Fatalf("hold reply %v", r)
	}
	if e := c.callState(5*time.Second, id, "held"); e["local_hold"] != true {
		t.Fatalf("held event %v", e)
	}
	if !strings.Contains(bob.Log(), "a=sendonly") { // its SIP trace: the re-INVITE reached it
		t.Fatal("baresip got no re-INVITE with a=sendonly")
	}
	c.do("hold", false) // nothing left to hold: an error reply, the console goes on
	c.do("resume", true)
	c.callState(5*time.Second, id, "connected")
	c.do("dtmf 42", true)
	var got string
	for len(got) < 2 {
		got += bareWait(t, bob, "CALL_DTMF_START", 5*time.Second).Param
	}
	if got != "42" {
		t.Fatalf("baresip received DTMF %q, want 42", got)
	}
	c.do("frobnicate", false)
	c.do("hangup", true)
	if e := c.callState(5*time.Second, id, "ended"); e["reason"] != "hung up" {
		t.Fatalf("ended event %v", e)
	}
	bareWait(t, bob, "CALL_CLOSED", 5*time.Second)
	if code := c.quit(); code != exitOK {
		t.Fatalf("console exit %d", code)
	}
	if !strings.Contains(c.dump(), `"state":"unregistered"`) {
		t.Fatalf("quit did not unregister:\n%s", c.dump())
	}
}

// TestConsoleDND: "dnd on" makes baresip's call get 486 Busy Here, "dnd
// off" lets the next one ring (and be answered from the console).
func TestConsoleDND(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	cfg := consoleConfig(t, k, "")
	c := startConsole(t, consoleArgs(t, cfg)...)
	c.registered("alice")

	c.do("dnd on", true)
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	if e := bareWait(t, bob, "CALL_CLOSED", 10*time.Second); e.SIPCode() != 486 {
		t.Fatalf("with DND on, baresip's call closed with %q, want 486", e.Param)
	}
	if code, out, _ := runCLI(t, "dnd", "status", "--config", cfg); code != exitOK || !strings.Contains(out, "alice: do not disturb on") {
		t.Fatalf("dnd status after the console's dnd on (saved?): %d %q", code, out)
	}

	c.do("dnd off", true)
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := c.callState(10*time.Second, "", "incoming")
	c.do("answer", true)
	c.callState(5*time.Second, in["id"].(string), "connected")
	bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	c.do("hangup", true)
	if code := c.quit(); code != exitOK {
		t.Fatalf("console exit %d", code)
	}
}

// TestDNDCommandRefusesCalls: the one-shot dnd command edits the file
// (keeping its comments), and a phone started afterwards refuses calls.
func TestDNDCommandRefusesCalls(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := consoleConfig(t, k, "# my phone\n")
	if code, out, errOut := runCLI(t, "dnd", "on", "--config", cfg); code != exitOK || out != "alice: do not disturb on\n" {
		t.Fatalf("dnd on: %d %q %q", code, out, errOut)
	}
	if text := readFile(t, cfg); !strings.Contains(text, "# my phone") || !strings.Contains(text, "dnd = true") {
		t.Fatalf("config after dnd on:\n%s", text)
	}
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	c := startConsole(t, consoleArgs(t, cfg)...)
	c.registered("alice")
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	if e := bareWait(t, bob, "CALL_CLOSED", 10*time.Second); e.SIPCode() != 486 {
		t.Fatalf("baresip's call closed with %q, want 486", e.Param)
	}
	c.quit()
	if code, out, _ := runCLI(t, "dnd", "off", "--config", cfg); code != exitOK || out != "alice: do not disturb off\n" {
		t.Fatalf("dnd off: %d %q", code, out)
	}
}

// TestConsoleTransfer: the console calls bob and hands him over to carol
// (blind transfer); then the call command does the same with
// --transfer-to.
func TestConsoleTransfer(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}})
	cfg := consoleConfig(t, k, "")

	t.Run("console", func(t *testing.T) {
		c := startConsole(t, consoleArgs(t, cfg)...)
		c.registered("alice")
		id := c.do("dial bob", true)["call"].(string)
		c.callState(10*time.Second, id, "connected")
		bareWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
		c.do("transfer sip:carol@"+k.Domain, true)
		if e := bareWait(t, carol, "CALL_ESTABLISHED", 10*time.Second); !strings.Contains(e.PeerURI, "bob") {
			t.Fatalf("carol's call is from %q, want bob", e.PeerURI)
		}
		c.wait(10*time.Second, "transfer done", func(m map[string]any) bool {
			return m["event"] == "call" && m["id"] == id && m["transfer"] == "done"
		})
		c.callState(10*time.Second, id, "ended")
		if err := carol.Hangup(); err != nil {
			t.Fatal(err)
		}
		bareWait(t, carol, "CALL_CLOSED", 5*time.Second)
		bareWait(t, bob, "CALL_CLOSED", 5*time.Second) // the transferred call
		c.quit()
	})
	t.Run("call --transfer-to", func(t *testing.T) {
		code, out, errOut := runCLI(t, "call", "sip:bob@"+k.Domain, "--config", cfg, "--json",
			"--transfer-to", "carol", "--transfer-after", "500ms")
		if code != exitOK {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		if e := bareWait(t, carol, "CALL_ESTABLISHED", 10*time.Second); !strings.Contains(e.PeerURI, "bob") {
			t.Fatalf("carol's call is from %q, want bob", e.PeerURI)
		}
		if findEvent(jsonEvents(t, out), "call", "transfer", "done") == nil {
			t.Fatalf("no transfer done event:\n%s", out)
		}
		_ = carol.Hangup()
	})
}

// TestConsoleMergeAndRecord: two calls merged into a local conference hear
// each other, and the conference's recording holds both their tones.
func TestConsoleMergeAndRecord(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000, Record: true})
	carol := testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 440, Record: true})
	recDir := t.TempDir()
	cfg := consoleConfig(t, k, fmt.Sprintf("[audio]\nrecord_dir = %q\nrecord_channels = \"mixed\"\n", recDir))
	c := startConsole(t, consoleArgs(t, cfg)...)
	c.registered("alice")

	b := c.do("dial bob", true)["call"].(string)
	c.callState(10*time.Second, b, "connected")
	cc := c.do("dial carol", true)["call"].(string)
	c.callState(10*time.Second, cc, "connected")
	r := c.do("merge", true)
	conf, _ := r["conference"].(string)
	if conf == "" {
		t.Fatalf("merge reply without a conference: %v", r)
	}
	r = c.do("record "+b, true)
	path, _ := r["path"].(string)
	if path == "" || filepath.Dir(path) != recDir {
		t.Fatalf("record reply %v, want a file in %s", r, recDir)
	}
	time.Sleep(3 * time.Second)
	c.do("stoprecord "+b, true)
	c.do("hangup "+b, true)
	c.do("hangup "+cc, true)
	bareWait(t, bob, "CALL_CLOSED", 5*time.Second)
	bareWait(t, carol, "CALL_CLOSED", 5*time.Second)
	c.quit()

	// Several tones at once: none dominates a window, so each is measured
	// by its level over the whole file, against a frequency nobody sent.
	checkTones(t, path, 1000, 440)
	// Carol hears bob through the conference (and alice). Bob's own ear
	// cannot be checked here: dialling carol held bob, and baresip 1.0
	// stops recording what it receives after a hold re-INVITE (see
	// shared notes); core's TestConferenceDirect checks a held leg's ear
	// with our own phones.
	recs, err := carol.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("carol's recordings: %v %v", recs, err)
	}
	checkTones(t, recs[len(recs)-1], 1000, 1700)
}

// checkTones checks that each tone of hzs is in the WAV file at path,
// at most 20 dB under full scale on average, while 2500 Hz (sent by
// nobody) stays 20 dB lower than the weakest of them.
func checkTones(t *testing.T, path string, hzs ...float64) {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	mono := testlab.MixMono(pcm, ch)
	if len(mono) < rate {
		t.Fatalf("%s: %.2f s of audio", filepath.Base(path), float64(len(mono))/float64(rate))
	}
	// Mean power over 100 ms windows: robust to gaps, sharp enough to
	// tell 2500 Hz from the tones.
	level := func(hz float64) float64 {
		win, sum, n := rate/10, 0.0, 0
		for off := 0; off+win <= len(mono); off += win {
			sum += testlab.Goertzel(mono[off:off+win], rate, hz)
			n++
		}
		return testlab.DBFS(sum / float64(n))
	}
	weakest := 0.0
	var got []string
	for _, hz := range hzs {
		l := level(hz)
		weakest = min(weakest, l)
		got = append(got, fmt.Sprintf("%.0f Hz %.1f dBFS", hz, l))
	}
	silent := level(2500)
	if weakest < -20 || silent > weakest-20 {
		t.Fatalf("%s: %s; 2500 Hz %.1f dBFS", filepath.Base(path), strings.Join(got, ", "), silent)
	}
	t.Logf("%s: %s; 2500 Hz %.1f dBFS", filepath.Base(path), strings.Join(got, ", "), silent)
}

// TestConsoleAttendedTransfer: alice's console calls bob, holds him,
// consults carol, then joins them ("atransfer" with no IDs: the held call
// goes to the newer one). bob and carol are copies of the program that
// answer by themselves (auto_answer): baresip 1.0 honours no Replaces.
func TestConsoleAttendedTransfer(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	alice := startConsole(t, consoleArgs(t, consoleConfig(t, k, ""))...)
	alice.registered("alice")
	peer := func(user string) *consoleProc {
		cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, user, user, user+"-secret", "udp", k.UDPAddr, "")+"auto_answer = true\n")
		c := startConsole(t, "--config", cfg, "--data", t.TempDir())
		c.registered(user)
		return c
	}
	bob, carol := peer("bob"), peer("carol")

	b := alice.do("dial bob", true)["call"].(string)
	alice.callState(10*time.Second, b, "connected")
	alice.do("hold", true)
	alice.callState(5*time.Second, b, "held")
	c := alice.do("dial carol", true)["call"].(string)
	alice.callState(10*time.Second, c, "connected")
	if r := alice.do("atransfer", true); r["call"] != b {
		t.Fatalf("atransfer reply %v, want call %s", r, b)
	}
	for _, id := range []string{b, c} {
		if e := alice.callState(10*time.Second, id, "ended"); e["transfer"] != "done" {
			t.Fatalf("alice's call %s ended without the transfer done: %v", id, e)
		}
	}
	// bob's new call (to carol) replaced carol's call with alice.
	nb := bob.wait(10*time.Second, "bob's call to carol", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "connected" && strings.Contains(fmt.Sprint(m["remote"]), "carol")
	})
	carol.wait(10*time.Second, "carol's call with bob", func(m map[string]any) bool {
		return m["event"] == "call" && m["state"] == "connected" && strings.Contains(fmt.Sprint(m["remote"]), "bob")
	})
	if calls := carol.do("calls", true)["calls"].([]any); len(calls) != 1 {
		t.Fatalf("carol has %d calls after the transfer, want 1: %v", len(calls), calls)
	}
	bob.do("hangup "+nb["id"].(string), true)
	carol.callState(5*time.Second, "", "ended")
	alice.quit()
	bob.quit()
	carol.quit()
}

// TestCallRecordCall: call --record-call records the call into the
// configured directory and names the file.
func TestCallRecordCall(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, ToneHz: 1000})
	recDir := t.TempDir()
	cfg := consoleConfig(t, k, fmt.Sprintf("[audio]\nrecord_dir = %q\n", recDir))
	args := consoleArgs(t, cfg) // --config, --data, --play
	code, out, errOut := runCLI(t, append([]string{"call", "bob", "--record-call", "--hangup-after", "2s"}, args...)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var path string
	for _, l := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(l, "recording to "); ok {
			path = p
		}
	}
	if path == "" || filepath.Dir(path) != recDir {
		t.Fatalf("no recording line naming a file in %s:\n%s", recDir, out)
	}
	checkTones(t, path, 1000, 1700)
}
