package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// buildBinary builds the real program once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "softphone")
	goBin, err := exec.LookPath("go")
	if err != nil && runtime.GOOS == "windows" {
		// The Windows sweep runs the tests under Wine, without Go.
		t.Skip("no go command to build the program with; the Windows programs run under Wine in TestWindowsBuildUnderWine")
	}
	if err != nil {
		t.Fatalf("the go command is needed to build the program: %v", err)
	}
	out, err := exec.Command(goBin, "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestInterruptUnregisters runs the real binary without --once, waits for
// the registration, interrupts it as a user's Ctrl-C would, and checks that
// it leaves no contact at the registrar.
func TestInterruptUnregisters(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("SIGINT to a child process is not portable to Windows")
	}
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	cfg := writeFile(t, accountTOML(k, "alice", "alice", "alice-secret", "tcp", k.TCPAddr, ""))
	cmd := exec.Command(buildBinary(t), "register", "--config", cfg)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitLine := func(want string) {
		t.Helper()
		deadline := time.After(15 * time.Second)
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("output ended before %q", want)
				}
				if strings.Contains(l, want) {
					return
				}
			case <-deadline:
				t.Fatalf("no line %q", want)
			}
		}
	}
	waitLine("alice: registered")
	if c, err := k.Contacts("alice"); err != nil || len(c) != 1 {
		t.Fatalf("contacts %q (%v)", c, err)
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	waitLine("alice: unregistered")
	if err := cmd.Wait(); err != nil {
		t.Fatalf("exit after interrupt: %v", err)
	}
	t.Logf("interrupt → exit in %v", time.Since(start))
	if c, err := k.Contacts("alice"); err != nil || len(c) != 0 {
		t.Fatalf("contacts after exit %q (%v)", c, err)
	}
}
