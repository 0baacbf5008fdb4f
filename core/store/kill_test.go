package store

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// Child-process modes of the kill tests: the test binary re-runs itself
// with one of these set to the database path.
const (
	envKillMidCall = "SOFTPHONE_STORE_TEST_KILL_MID_CALL"
	envKillLoop    = "SOFTPHONE_STORE_TEST_KILL_LOOP"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(envKillMidCall); path != "" {
		childMidCall(path)
	}
	if path := os.Getenv(envKillLoop); path != "" {
		childLoop(path)
	}
	os.Exit(m.Run())
}

// childMidCall records a call that started and was answered, says so
// and waits to be killed (SIGKILL; TerminateProcess on Windows): no
// Close, no deferred function runs.
func childMidCall(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	m := call.New("killed", call.Outgoing, "work", call.Party{URI: "sip:bob@pbx", DisplayName: "Bob"}, nil, nil)
	must := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
	}
	must(s.RecordCall(ctx, m.Info()))
	must(m.Ringing())
	must(s.RecordCall(ctx, m.Info()))
	must(m.Answered("opus"))
	must(s.RecordCall(ctx, m.Info()))
	must(s.Touch(ctx, time.Now().Add(3*time.Second), "killed"))
	fmt.Println("ready")
	select {}
}

// childLoop records calls as fast as it can until it is killed.
func childLoop(path string) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	fmt.Println("ready")
	for i := 0; ; i++ {
		m := call.New(fmt.Sprintf("%d-%d", os.Getpid(), i), call.Inbound, "", call.Party{URI: fmt.Sprintf("sip:%d@pbx", i)}, nil, nil)
		_ = s.RecordCall(ctx, m.Info())
		_ = m.Answered("pcmu")
		_ = s.RecordCall(ctx, m.Info())
		_ = m.End("remote hung up", 0)
		_ = s.RecordCall(ctx, m.Info())
	}
}

func runChild(t *testing.T, env, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env+"="+path)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestKillDuringCallLeavesItInterrupted(t *testing.T) {
	path := t.TempDir() + "/" + FileName
	cmd := runChild(t, envKillMidCall, path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make([]byte, 6)
	if _, err := io.ReadFull(out, line); err != nil || string(line) != "ready\n" {
		_ = cmd.Process.Kill()
		t.Fatalf("child: %q %v", line, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); !killed(err) {
		t.Fatalf("child did not die by our kill: %v", err)
	}
	ctx := testCtx(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Notice() != "" {
		t.Fatalf("the database needed recovery after kill -9: %s", s.Notice())
	}
	c, err := s.CallByCallID(ctx, "killed")
	if err != nil {
		t.Fatal(err)
	}
	if !c.Interrupted || c.Reason != ReasonInterrupted || c.State != "ended" || c.Answered.IsZero() ||
		c.Codec != "opus" || c.DisplayName != "Bob" || c.Missed {
		t.Fatalf("after kill -9: %+v", c)
	}
	// The end is the last "still running" mark, so the duration is known.
	if c.Duration < 2*time.Second || c.Duration > time.Minute {
		t.Fatalf("duration %v", c.Duration)
	}
}

func TestKillAtRandomMomentsKeepsHistoryConsistent(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a writer several times")
	}
	path := t.TempDir() + "/" + FileName
	for round := range 5 {
		cmd := runChild(t, envKillLoop, path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(20+round*37) * time.Millisecond) // each round kills at another moment
		cmd.Process.Kill()
		cmd.Wait()
	}
	ctx := testCtx(t)
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Notice() != "" {
		t.Fatalf("recovery needed: %s", s.Notice())
	}
	var integrity string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&integrity); err != nil || integrity != "ok" {
		t.Fatalf("integrity %q %v", integrity, err)
	}
	calls, err := s.History(ctx, HistoryQuery{Limit: 1 << 20})
	if err != nil || len(calls) == 0 {
		t.Fatalf("%d calls %v", len(calls), err)
	}
	interrupted := 0
	for _, c := range calls {
		switch {
		case c.Ongoing():
			t.Fatalf("call left open: %+v", c)
		case c.Interrupted:
			interrupted++
		case c.Reason != "remote hung up" || c.Answered.IsZero():
			t.Fatalf("inconsistent call: %+v", c)
		}
	}
	if interrupted > 5 {
		t.Fatalf("%d interrupted calls for 5 kills", interrupted)
	}
	t.Logf("%d calls over 5 kills, %d interrupted", len(calls), interrupted)
}
