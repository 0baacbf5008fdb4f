//go:build unix

package main

import (
	"bufio"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/core/journal"
	"github.com/softphone/softphone/internal/testlab"
)

// killedCallFor is how long the call runs before the kill: several
// heartbeats, so a duration taken from the answer (or from a heartbeat
// that never ran) is far out of bounds.
const killedCallFor = 7 * time.Second

// TestKilledCallKeepsItsDuration runs an answered call between two copies
// of the real program, kills the caller with SIGKILL mid-call, and reads
// its history with `softphone history --json`: the call is interrupted,
// and its duration is the time it ran, short by at most one heartbeat.
func TestKilledCallKeepsItsDuration(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a call of several seconds between two programs")
	}
	if journal.HeartbeatEvery > killedCallFor/3 {
		t.Fatalf("heartbeat every %v: too sparse to keep a %v call's duration", journal.HeartbeatEvery, killedCallFor)
	}
	bin := buildBinary(t)
	dir := t.TempDir()
	tone := filepath.Join(dir, "440.wav")
	if err := testlab.WriteToneWAV(tone, 8000, 440, 2*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	loopback := "[sip]\nlisten = \"127.0.0.1:0\"\n"
	answer := startAnswer(t, bin, "--config", writeFile(t, loopback), "--data", t.TempDir(), "--play", tone)

	data := t.TempDir()
	caller := exec.Command(bin, "call", "sip:a@"+answer.addr, "--json", "--config", writeFile(t, loopback),
		"--data", data, "--play", tone)
	var stderr testlab.SyncBuffer
	caller.Stderr = &stderr
	stdout, err := caller.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := caller.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	t.Cleanup(func() {
		_ = caller.Process.Kill()
		<-exited
	})
	connected := make(chan time.Time, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			var e struct {
				Event, State string
				Answered     time.Time
			}
			if json.Unmarshal(sc.Bytes(), &e) == nil && e.Event == "call" && e.State == "connected" {
				select {
				case connected <- e.Answered:
				default:
				}
			}
		}
		exited <- caller.Wait()
	}()
	var answered time.Time
	select {
	case answered = <-connected:
	case err := <-exited:
		exited <- err
		t.Fatalf("call exited before the call connected: %v\n%s", err, stderr.String())
	case <-time.After(15 * time.Second):
		t.Fatalf("the call did not connect\n%s", stderr.String())
	}

	time.Sleep(killedCallFor) // the call itself: what the history must remember
	if err := caller.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	err = <-exited
	exited <- err // for Cleanup
	if ee, ok := err.(*exec.ExitError); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the caller did not die by SIGKILL: %v\n%s", err, stderr.String())
	}
	ran := killed.Sub(answered)

	// Opening the database (here by the history command) ends the calls of
	// processes that are gone.
	code, out, errOut := runBinary(t, bin, nil, "history", "--json", "--data", data)
	if code != 0 {
		t.Fatalf("history exited %d\n%s\n%s", code, out, errOut)
	}
	type entry struct {
		Interrupted bool    `json:"interrupted"`
		Reason      string  `json:"reason"`
		DurationS   float64 `json:"duration_s"`
	}
	var calls []entry
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var c entry
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("history line %q: %v", line, err)
		}
		calls = append(calls, c)
	}
	if len(calls) != 1 || !calls[0].Interrupted || calls[0].Reason != "interrupted" {
		t.Fatalf("history after kill -9:\n%s", out)
	}
	got := time.Duration(calls[0].DurationS * float64(time.Second))
	lo, hi := ran-journal.HeartbeatEvery-time.Second, ran+time.Second
	t.Logf("call ran %v before kill -9; history keeps %v (heartbeat every %v)", ran.Round(time.Millisecond), got, journal.HeartbeatEvery)
	if got < lo || got > hi {
		t.Fatalf("interrupted call's duration %v, want within [%v, %v] (ran %v)", got, lo, hi, ran)
	}
}
