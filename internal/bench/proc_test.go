package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ours is a running softphone child and its JSON events.
type ours struct {
	cmd     *exec.Cmd
	events  chan event
	done    chan error
	backlog []event // read while waiting for another event
}

// event is one JSON line and when the harness read it.
type event struct {
	at time.Time
	m  map[string]any
}

func (e event) str(k string) string { s, _ := e.m[k].(string); return s }

func (e event) time(k string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.str(k))
	return t
}

// start runs our headless binary with args, reading its JSON events.
func (h *harness) start(args ...string) *ours { return h.startBin(h.bin, args...) }

// startBin runs bin with args, reading its JSON events.
func (h *harness) startBin(bin string, args ...string) *ours {
	return startProc(h.b, exec.Command(bin, args...))
}

// startProc starts cmd, reading the JSON events it prints.
func startProc(tb testing.TB, cmd *exec.Cmd) *ours {
	tb.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	o := &ours{cmd: cmd, events: make(chan event, 64), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			e := event{at: time.Now()}
			if json.Unmarshal(sc.Bytes(), &e.m) == nil {
				o.events <- e
			}
		}
		close(o.events)
		err := cmd.Wait()
		if err != nil {
			err = fmt.Errorf("%v: %s", err, stderr.String())
		}
		o.done <- err
	}()
	return o
}

// wait returns the first event matching kind and state; others read
// meanwhile are kept for later waits.
func (o *ours) wait(kind, state string, timeout time.Duration) (event, error) {
	match := func(e event) bool { return e.str("event") == kind && e.str("state") == state }
	for i, e := range o.backlog {
		if match(e) {
			o.backlog = append(o.backlog[:i], o.backlog[i+1:]...)
			return e, nil
		}
	}
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-o.events:
			if !ok {
				return event{}, fmt.Errorf("exited before %s %s: %v", kind, state, <-o.done)
			}
			if match(e) {
				return e, nil
			}
			o.backlog = append(o.backlog, e)
		case <-deadline:
			return event{}, fmt.Errorf("no %s %s in %v", kind, state, timeout)
		}
	}
}

// finish waits for the exit; after timeout it interrupts, then kills, this child.
func (o *ours) finish(timeout time.Duration) error {
	go func() {
		for range o.events {
		}
	}()
	select {
	case err := <-o.done:
		return err
	case <-time.After(timeout):
	}
	_ = o.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-o.done:
		return err
	case <-time.After(5 * time.Second):
		_ = o.cmd.Process.Kill()
		return errors.New("killed")
	}
}

// readNetstring reads one ctrl_tcp netstring.
func readNetstring(r *bufio.Reader) ([]byte, error) {
	s, err := r.ReadString(':')
	if err != nil {
		return nil, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(s, ":")))
	if err != nil || n < 0 || n > 1<<20 {
		return nil, fmt.Errorf("bad netstring length %q", s)
	}
	buf := make([]byte, n+1)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf[:n], nil
}

// procCPU is utime+stime in seconds (USER_HZ = 100 on Linux).
func procCPU(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	u, _ := strconv.ParseFloat(f[11], 64)
	st, _ := strconv.ParseFloat(f[12], 64)
	return (u + st) / 100, nil
}

// mem is a process's VmRSS, VmHWM and RssAnon in MB.
type mem struct{ rss, hwm, anon float64 }

// procMem is VmRSS and VmHWM in MB.
func procMem(pid int) (rss, hwm float64, err error) {
	m, err := procMemory(pid)
	return m.rss, m.hwm, err
}

// procMemory reads mem from /proc/<pid>/status.
func procMemory(pid int) (mem, error) {
	var m mem
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return m, err
	}
	for line := range strings.Lines(string(b)) {
		k, v, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			m.rss = kb / 1024
		case "VmHWM":
			m.hwm = kb / 1024
		case "RssAnon":
			m.anon = kb / 1024
		}
	}
	return m, nil
}

// baresipPid finds the baresip process whose command line names dir.
func baresipPid(dir string) (int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		cl, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			continue
		}
		args := strings.Split(string(cl), "\x00")
		if len(args) > 2 && filepath.Base(args[0]) == "baresip" && args[1] == "-f" && args[2] == dir {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no baresip process for %s", dir)
}

// debVersion is a Debian package and its installed version.
func debVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "unknown"
	}
	return pkg + " " + string(out)
}
