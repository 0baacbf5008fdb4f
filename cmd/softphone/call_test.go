package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// jsonEvents decodes the --json lines of a run.
func jsonEvents(t *testing.T, out string) []map[string]any {
	t.Helper()
	var evs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line %q: %v", sc.Text(), err)
		}
		evs = append(evs, m)
	}
	return evs
}

func findEvent(evs []map[string]any, kind, key, value string) map[string]any {
	for _, e := range evs {
		if e["event"] == kind && (key == "" || fmt.Sprint(e[key]) == value) {
			return e
		}
	}
	return nil
}

func checkTone(t *testing.T, path string, hz float64) {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	r := testlab.AnalyzeTone(testlab.MixMono(pcm, ch), rate, hz)
	if r.ActiveSeconds < 1 || r.LevelDBFS < -16 {
		t.Fatalf("%s: %.0f Hz active %.1f s at %.1f dBFS of %.1f s", filepath.Base(path), hz, r.ActiveSeconds, r.LevelDBFS, r.TotalSeconds)
	}
}

// TestCallCommandToBaresip is the "done when": softphone call to an
// auto-answering baresip through Kamailio carries audio both ways.
func TestCallCommandToBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	for _, c := range []struct{ ours, theirs string }{{"opus", "opus"}, {"pcmu", "pcmu"}} {
		t.Run(c.ours, func(t *testing.T) {
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{c.theirs}, ToneHz: 1000, Record: true})
			dir := t.TempDir()
			play, rec := filepath.Join(dir, "440.wav"), filepath.Join(dir, "got.wav")
			if err := testlab.WriteToneWAV(play, 16000, 440, 5*time.Second, testlab.ToneAmplitude); err != nil {
				t.Fatal(err)
			}
			cfg := writeFile(t, accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
			args := []string{"call", "sip:bob@" + k.Domain, "--config", cfg, "--play", play, "--record", rec,
				"--hangup-after", "2s", "--codecs", c.ours, "--json"}
			if c.ours == "pcmu" {
				args = append(args, "--dtmf", "42")
			}
			code, stdout, stderr := runCLI(t, args...)
			if code != exitOK {
				t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
			}
			evs := jsonEvents(t, stdout)
			conn := findEvent(evs, "call", "state", "connected")
			if conn == nil || !strings.EqualFold(fmt.Sprint(conn["codec"]), c.ours) {
				t.Fatalf("no connected event with codec %s:\n%s", c.ours, stdout)
			}
			st := findEvent(evs, "stats", "final", "true")
			if st == nil || st["packets_received"].(float64) < 50 || st["packets_sent"].(float64) < 50 {
				t.Fatalf("final stats %v", st)
			}
			checkTone(t, rec, 1000)
			recs, err := bob.Recordings()
			if err != nil || len(recs) == 0 {
				t.Fatalf("baresip recordings: %v %v", recs, err)
			}
			checkTone(t, recs[len(recs)-1], 440)
			if c.ours == "pcmu" {
				var got []string
				for _, e := range bob.Events() {
					if e.Type == "CALL_DTMF_START" {
						got = append(got, e.Param)
					}
				}
				if strings.Join(got, "") != "42" {
					t.Fatalf("baresip received DTMF %q, want 42", got)
				}
			}
		})
	}
}

// TestAnswerCommand: baresip calls the registered answer command.
func TestAnswerCommand(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	dir := t.TempDir()
	rec := filepath.Join(dir, "got.wav")
	cfg := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "alice", "alice", "alice-secret", "udp", k.UDPAddr, ""))
	var out, errb bytes.Buffer
	done := make(chan int, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		done <- run(ctx, []string{"answer", "--config", cfg, "--record", rec, "--count", "1", "--json"}, &out, &errb)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if c, _ := k.Contacts("alice"); len(c) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("answer did not register\n%s", errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"G722/16000/1"}, ToneHz: 1000})
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
	defer wcancel()
	if _, err := bob.WaitEvent(wctx, "CALL_ESTABLISHED"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("answer exited %d\n%s\n%s", code, out.String(), errb.String())
		}
	case <-ctx.Done():
		t.Fatal("answer did not exit after one call")
	}
	if e := findEvent(jsonEvents(t, out.String()), "call", "state", "ended"); e == nil || e["reason"] != "remote hung up" {
		t.Fatalf("ended event %v", e)
	}
	checkTone(t, rec, 1000)
}

// TestTwoProgramsCallDirectly runs two copies of the real program: one
// answers on a fixed loopback port, the other calls it with no server.
func TestTwoProgramsCallDirectly(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	toneA, toneB := filepath.Join(dir, "1000.wav"), filepath.Join(dir, "440.wav")
	recA, recB := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	if err := testlab.WriteToneWAV(toneA, 48000, 1000, 5*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	if err := testlab.WriteToneWAV(toneB, 8000, 440, 5*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	cfgA := writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n")
	answer := startAnswering(t, exec.Command(bin, "answer", "--config", cfgA, "--count", "1", "--json", "--play", toneA, "--record", recA))
	addr := answer.addr
	start := time.Now()
	caller := exec.Command(bin, "call", "sip:a@"+addr, "--play", toneB, "--record", recB, "--hangup-after", "2s", "--config", writeFile(t, ""))
	out, err := caller.CombinedOutput()
	if err != nil {
		t.Fatalf("call: %v\n%s", err, out)
	}
	answer.wait(t, 10*time.Second)
	t.Logf("direct call round trip in %v", time.Since(start))
	checkTone(t, recA, 440)
	checkTone(t, recB, 1000)
}

// answering is a running `softphone answer` that printed where it listens.
type answering struct {
	cmd  *exec.Cmd
	addr string
}

// startAnswering starts cmd (an `answer --json` run) and waits for its
// listening address; the process is killed when the test ends.
func startAnswering(t *testing.T, cmd *exec.Cmd) *answering {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	sc := bufio.NewScanner(stdout)
	a := &answering{cmd: cmd}
	for sc.Scan() {
		var e struct{ Event, Addr string }
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.Event == "listening" {
			a.addr = e.Addr
			break
		}
	}
	if a.addr == "" {
		t.Fatal("answer printed no listening address")
	}
	go func() {
		for sc.Scan() {
		}
	}()
	return a
}

// wait waits for the answering program to end by itself, successfully.
func (a *answering) wait(t *testing.T, within time.Duration) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- a.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("answer: %v", err)
		}
	case <-time.After(within):
		t.Fatal("answer did not exit after the call")
	}
}
