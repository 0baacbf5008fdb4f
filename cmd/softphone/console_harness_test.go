package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// consoleProc is `softphone console --json` run in-process, fed line by
// line, its output read as JSON objects.
type consoleProc struct {
	t      *testing.T
	in     *io.PipeWriter
	lines  chan map[string]any
	seen   []map[string]any // every object read so far
	taken  map[int]bool     // indexes in seen that a wait returned
	stderr *testlab.SyncBuffer
	done   chan int
	cancel context.CancelFunc
}

// startConsole runs the console with args (--json is added) and waits
// until it listens.
func startConsole(t *testing.T, args ...string) *consoleProc {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	c := &consoleProc{t: t, in: inW, taken: map[int]bool{}, lines: make(chan map[string]any, 4096), stderr: &testlab.SyncBuffer{}, done: make(chan int, 1), cancel: cancel}
	go func() {
		code := runIO(ctx, append([]string{"console", "--json"}, args...), inR, outW, c.stderr)
		outW.Close()
		c.done <- code
	}()
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			var m map[string]any
			if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
				m = map[string]any{"event": "not-json", "text": sc.Text()}
			}
			c.lines <- m
		}
	}()
	t.Cleanup(func() {
		c.in.Close()
		select {
		case <-c.done:
		case <-time.After(15 * time.Second):
			t.Errorf("console did not exit at the end of input")
		}
		cancel()
		if t.Failed() {
			t.Logf("console output:\n%s\nstderr:\n%s", c.dump(), c.stderr.String())
		}
	})
	c.wait(10*time.Second, "listening", func(m map[string]any) bool { return m["event"] == "listening" })
	return c
}

func (c *consoleProc) dump() string {
	var b strings.Builder
	for _, m := range c.seen {
		j, _ := json.Marshal(m)
		b.Write(j)
		b.WriteByte('\n')
	}
	return b.String()
}

// wait returns the oldest output object that match accepts and no wait
// returned before, reading more output as needed.
func (c *consoleProc) wait(within time.Duration, what string, match func(map[string]any) bool) map[string]any {
	c.t.Helper()
	for i, m := range c.seen {
		if !c.taken[i] && match(m) {
			c.taken[i] = true
			return m
		}
	}
	deadline := time.After(within)
	for {
		select {
		case m, ok := <-c.lines:
			if !ok {
				c.t.Fatalf("console output ended before %s\n%s\nstderr:\n%s", what, c.dump(), c.stderr.String())
			}
			c.seen = append(c.seen, m)
			if match(m) {
				c.taken[len(c.seen)-1] = true
				return m
			}
		case <-deadline:
			c.t.Fatalf("no %s within %v", what, within)
		}
	}
}

// do sends one command line and returns its reply; it fails the test when
// the reply is an error and wantOK.
func (c *consoleProc) do(line string, wantOK bool) map[string]any {
	c.t.Helper()
	if _, err := io.WriteString(c.in, line+"\n"); err != nil {
		c.t.Fatalf("write %q: %v", line, err)
	}
	r := c.wait(30*time.Second, "reply to "+line, func(m map[string]any) bool { return m["event"] == "reply" })
	if ok, _ := r["ok"].(bool); ok != wantOK {
		c.t.Fatalf("%q: reply %v, want ok=%v", line, r, wantOK)
	}
	return r
}

// callState waits for a call event of call id (any call when id is "")
// in one of states, and returns it.
func (c *consoleProc) callState(within time.Duration, id string, states ...string) map[string]any {
	c.t.Helper()
	return c.wait(within, fmt.Sprintf("call %s %v", id, states), func(m map[string]any) bool {
		if m["event"] != "call" || id != "" && m["id"] != id {
			return false
		}
		for _, s := range states {
			if m["state"] == s {
				return true
			}
		}
		return false
	})
}

// registered waits for account's registration.
func (c *consoleProc) registered(account string) {
	c.t.Helper()
	c.wait(10*time.Second, account+" registered", func(m map[string]any) bool {
		return m["event"] == "registration" && m["account"] == account && m["state"] == "registered"
	})
}

// quit sends quit and returns the exit code.
func (c *consoleProc) quit() int {
	c.t.Helper()
	c.do("quit", true)
	for m := range c.lines { // the phone's last events
		c.seen = append(c.seen, m)
	}
	select {
	case code := <-c.done:
		c.done <- code // for Cleanup
		return code
	case <-time.After(15 * time.Second):
		c.t.Fatal("console did not exit after quit")
		return -1
	}
}
