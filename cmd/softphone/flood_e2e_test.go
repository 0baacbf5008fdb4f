//go:build linux

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// phoneProc is the real program running `console --json` as its own
// process, so its descriptors, memory and exit can be measured.
type phoneProc struct {
	t     *testing.T
	cmd   *exec.Cmd
	stdin io.WriteCloser
	exit  chan error
	// stderr is what the program logged.
	stderr *testlab.SyncBuffer

	mu    sync.Mutex // guards lines
	lines []map[string]any
}

func startPhoneProc(t *testing.T, bin, cfg string) *phoneProc {
	t.Helper()
	return startProgram(t, bin, nil, "console", "--json", "--config", cfg, "--data", t.TempDir())
}

// startProgram runs the program with args (and env added to the test's
// environment), collecting its JSON output lines.
func startProgram(t *testing.T, bin string, env []string, args ...string) *phoneProc {
	t.Helper()
	p := &phoneProc{t: t, exit: make(chan error, 1)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = append(os.Environ(), env...)
	var err error
	if p.stdin, err = p.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.stderr = &testlab.SyncBuffer{}
	stderr := p.stderr
	p.cmd.Stderr = stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) == nil {
				p.mu.Lock()
				p.lines = append(p.lines, m)
				p.mu.Unlock()
			}
		}
		p.exit <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("phone stderr (last 4 KB):\n%s", tail(stderr.String(), 4096))
		}
	})
	return p
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// count is how many output objects match.
func (p *phoneProc) count(match func(map[string]any) bool) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, m := range p.lines {
		if match(m) {
			n++
		}
	}
	return n
}

// wait waits for an output object that match accepts and returns it.
func (p *phoneProc) wait(within time.Duration, what string, match func(map[string]any) bool) map[string]any {
	p.t.Helper()
	deadline := time.Now().Add(within)
	for seen := 0; ; {
		p.mu.Lock()
		for ; seen < len(p.lines); seen++ {
			if match(p.lines[seen]) {
				m := p.lines[seen]
				p.mu.Unlock()
				return m
			}
		}
		p.mu.Unlock()
		if time.Now().After(deadline) {
			p.t.Fatalf("no %s within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// listening is the address the phone's SIP listens on.
func (p *phoneProc) listening() string {
	m := p.wait(15*time.Second, "listening", func(m map[string]any) bool { return m["event"] == "listening" })
	for _, v := range m {
		if s, ok := v.(string); ok && strings.HasPrefix(s, "127.0.0.1:") {
			return s
		}
	}
	p.t.Fatalf("no address in %v", m)
	return ""
}

func isIncoming(m map[string]any) bool { return m["event"] == "call" && m["state"] == "incoming" }

// usage is the process's open descriptors and resident memory (KiB).
func (p *phoneProc) usage() (fds, rssKiB int) {
	p.t.Helper()
	pid := p.cmd.Process.Pid
	ents, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		p.t.Fatal(err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		p.t.Fatal(err)
	}
	for _, l := range strings.Split(string(status), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			rssKiB, _ = strconv.Atoi(f[1])
		}
	}
	return len(ents), rssKiB
}

// terminate sends SIGTERM and returns how long the process took to exit.
func (p *phoneProc) terminate() time.Duration {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatal(err)
	}
	select {
	case <-p.exit:
		return time.Since(start)
	case <-time.After(30 * time.Second):
		p.t.Fatal("the phone was still running 30 s after SIGTERM")
		return 0
	}
}

// flood sends n INVITEs for user at rate per second; it stops early when
// stop closes or the scanner is closed.
func flood(sc *testlab.Scanner, user string, first, n, rate int, stop <-chan struct{}) {
	tick := time.NewTicker(time.Second / time.Duration(rate))
	defer tick.Stop()
	for i := first; i < first+n; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		if sc.Invite(user, i) != nil {
			return
		}
	}
}

// A registered phone under a scanner's flood (2,000 INVITEs at 200 per
// second from an address that is not the registrar) rings for nothing
// but the registrar's call, keeps its descriptors and memory, and exits
// within 2 s of SIGTERM in the middle of the flood.
func TestFloodLeavesPhoneCalm(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bin := buildBinary(t)
	alice := startPhoneProc(t, bin, consoleConfig(t, k, ""))
	addr := alice.listening()
	alice.wait(15*time.Second, "registration", func(m map[string]any) bool {
		return m["event"] == "registration" && m["state"] == "registered"
	})
	bob := startConsole(t, "--config", writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\n"+accountTOML(k, "bob", "bob", "bob-secret", "udp", k.UDPAddr, "")), "--data", t.TempDir())
	bob.registered("bob")
	time.Sleep(time.Second) // settled: the figures compared below are the phone's at rest
	fds0, rss0 := alice.usage()

	sc := testlab.NewScanner(t, addr)
	done := make(chan struct{})
	go func() {
		defer close(done)
		flood(sc, "alice", 0, 2000, 200, nil)
	}()
	time.Sleep(5 * time.Second) // half way through
	r := bob.do("dial sip:alice@"+k.Domain, true)
	alice.wait(5*time.Second, "bob's call ringing during the flood", isIncoming)
	<-done
	time.Sleep(time.Second) // the last answers out
	fds1, rss1 := alice.usage()
	if n := alice.count(isIncoming); n != 1 {
		t.Errorf("%d incoming calls reported, want bob's only", n)
	}
	if fds1 > fds0+4 {
		t.Errorf("descriptors %d → %d under the flood", fds0, fds1)
	}
	if rss1 > rss0+16<<10 {
		t.Errorf("resident memory %d → %d KiB under the flood", rss0, rss1)
	}
	if sc.Answers(403) == 0 {
		t.Errorf("the scanner got no 403: %s", sc.Summary())
	}
	for _, code := range []int{180, 200} {
		if n := sc.Answers(code); n != 0 {
			t.Errorf("the scanner got %d answers %d", n, code)
		}
	}
	t.Logf("flood of 2000 INVITEs at 200/s: scanner answers %s; descriptors %d → %d; RSS %d → %d KiB", sc.Summary(), fds0, fds1, rss0, rss1)
	bob.do("hangup "+fmt.Sprint(r["call"]), true)

	stop := make(chan struct{})
	go flood(sc, "alice", 2000, 100000, 200, stop)
	defer close(stop)
	time.Sleep(time.Second)
	if took := alice.terminate(); took > 2*time.Second {
		t.Errorf("exit took %v after SIGTERM under the flood, want ≤ 2 s", took)
	} else {
		t.Logf("exit %v after SIGTERM under the flood", took)
	}
}

// A phone with hundreds of calls ringing (direct calls allowed, from a
// caller that never acknowledges) exits within 2 s of SIGTERM.
func TestSIGTERMWithHundredsRinging(t *testing.T) {
	bin := buildBinary(t)
	p := startPhoneProc(t, bin, writeFile(t, "[sip]\nlisten = \"127.0.0.1:0\"\nmax_ringing = 1000\n"))
	addr := p.listening()
	sc := testlab.NewScanner(t, addr)
	// One source may send 50 requests a second after a burst of 100:
	// 600 over 3 s leave some 250 ringing.
	flood(sc, "anyone", 0, 600, 200, nil)
	deadline := time.Now().Add(10 * time.Second)
	for p.count(isIncoming) < 200 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	ringing := p.count(isIncoming)
	if ringing < 200 {
		t.Fatalf("%d calls ringing, want at least 200", ringing)
	}
	took := p.terminate()
	if took > 2*time.Second {
		t.Errorf("exit took %v after SIGTERM with %d calls ringing, want ≤ 2 s", took, ringing)
	}
	t.Logf("exit %v after SIGTERM with %d calls ringing", took, ringing)
}
