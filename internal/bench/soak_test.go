package bench

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// Soak: many short calls one after another in one long-running phone
// process must leave it as it was: threads, open descriptors and memory
// flat. The process under test is the real headless program, `softphone
// console --json`, driven on its standard input (dial, hangup); the far
// end is another copy of it, `softphone answer`, called directly over
// loopback (no registrar: nothing but the two phones is measured).
//
// The program exposes no goroutine count, so the figures are the
// kernel's: Threads and /proc/<pid>/fd entries, and VmRSS.

var (
	soakCalls  = flag.Int("bench.soakcalls", 1000, "soak: sequential calls after the warm-up")
	soakWarmup = flag.Int("bench.soakwarmup", 20, "soak: calls before the first sample")
	soakMedia  = flag.Duration("bench.soakmedia", 300*time.Millisecond, "soak: media time of each call, from connected to hangup")
)

// soakBounds are the growth the soak tolerates over its calls, end sample
// minus start sample. Descriptors barely move (each call's sockets close):
// a few, whatever the number of calls, so one left behind per call fails
// even the short run. Threads may grow by a few idle OS threads of the Go
// runtime. Memory may drift with the heap (GC pacing, the history's
// rows): 4 MB, plus 4 kB a call.
type soakBounds struct {
	fds, threads int
	rssMB        float64
}

func soakLimits(calls int) soakBounds {
	return soakBounds{fds: 4, threads: 4, rssMB: 4 + float64(calls)*4/1024}
}

// soakSample is the process's state at one moment.
type soakSample struct {
	fds, threads int
	rssMB        float64
}

func (s soakSample) String() string {
	return fmt.Sprintf("%d fds, %d threads, %.1f MB RSS", s.fds, s.threads, s.rssMB)
}

// soakResult is a soak run: samples after the warm-up and after the last
// call, and how long the measured calls took.
type soakResult struct {
	calls      int
	start, end soakSample
	inCall     soakSample // during the first measured call: its sockets show
	took       time.Duration
}

// BenchmarkSoak runs the soak alone when -bench.side is given and prints
// its figures:
//
//	cd internal/bench && go test -run '^$' -bench Soak -benchtime 1x -bench.side -timeout 30m .
func BenchmarkSoak(b *testing.B) {
	if !*sideFlag {
		return
	}
	b.StopTimer()
	for _, f := range soakFigures(b, buildHeadless(b)) {
		fmt.Printf("%s: %s %s target %q met %v — %s\n", f.Scenario, num(f.Value.Median), f.Unit, f.Target, capMet(f.Met), f.Method)
	}
}

// TestSoakShort is the soak scaled down to 50 calls, for `make test`, with
// the same bounds scaled to its calls (soakLimits): one descriptor left
// behind per call already breaks them.
func TestSoakShort(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 70 calls between two programs")
	}
	r := runSoak(t, buildHeadless(t), 20, 50, *soakMedia)
	t.Logf("%d calls in %v (%v a call): start %v; in a call %v; end %v", r.calls, r.took.Round(time.Millisecond),
		(r.took / time.Duration(r.calls)).Round(time.Millisecond), r.start, r.inCall, r.end)
	// The sampler sees what a call holds open: a descriptor left behind by
	// each call would show the same way.
	if r.inCall.fds <= r.start.fds {
		t.Fatalf("a call in progress holds no more descriptors (%v) than the idle phone (%v)", r.inCall, r.start)
	}
	if err := r.check(soakLimits(r.calls)); err != nil {
		t.Fatal(err)
	}
}

// soakFigures runs the full soak and returns its report rows; a growth
// past the bounds fails b after the figures are made.
func soakFigures(b *testing.B, bin string) []Figure {
	r := runSoak(b, bin, *soakWarmup, *soakCalls, *soakMedia)
	if err := r.check(soakLimits(r.calls)); err != nil {
		b.Error(err)
	}
	return r.figures(soakLimits(r.calls))
}

// buildHeadless builds the headless program (-tags nogui) into a temporary
// directory.
func buildHeadless(tb testing.TB) string {
	tb.Helper()
	bin := filepath.Join(tb.TempDir(), "softphone-headless")
	if _, err := exec.LookPath("go"); err != nil && runtime.GOOS == "windows" {
		// The Windows sweep runs the tests under Wine, without Go.
		tb.Skip("no go command to build the program with")
	}
	if out, err := exec.Command("go", "build", "-tags", "nogui", "-o", bin, "../../cmd/softphone").CombinedOutput(); err != nil {
		tb.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// runSoak places warmup then calls sequential calls from a console phone
// to an answering one, each held for media then hung up, and samples the
// console process after the warm-up and at the end.
func runSoak(tb testing.TB, bin string, warmup, calls int, media time.Duration) soakResult {
	tb.Helper()
	dir := tb.TempDir()
	tone := filepath.Join(dir, "tone.wav")
	if err := testlab.WriteToneWAV(tone, 8000, 440, 2*time.Second, testlab.ToneAmplitude); err != nil {
		tb.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(cfg, []byte("[sip]\nlisten = \"127.0.0.1:0\"\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
	total := warmup + calls
	peer := startProc(tb, exec.Command(bin, "answer", "--json", "--count", fmt.Sprint(total), "--config", cfg,
		"--data", filepath.Join(dir, "peer"), "--play", tone))
	tb.Cleanup(func() { _ = peer.cmd.Process.Kill() })
	addr := listeningAddr(tb, peer)
	go func() { // the peer's events are not measured; keep its stdout flowing
		for range peer.events {
		}
	}()

	cmd := exec.Command(bin, "console", "--json", "--config", cfg, "--data", filepath.Join(dir, "phone"), "--play", tone)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	phone := startProc(tb, cmd)
	tb.Cleanup(func() { _ = phone.cmd.Process.Kill() })
	if _, err := listeningAddrErr(phone); err != nil {
		tb.Fatalf("console: %v", err)
	}
	pid := phone.cmd.Process.Pid

	var r soakResult
	var t0 time.Time
	for i := range total {
		if i == warmup {
			if r.start, err = sampleProc(pid); err != nil {
				tb.Fatal(err)
			}
			t0 = time.Now()
		}
		var during func() error
		if i == warmup {
			during = func() (err error) { r.inCall, err = sampleProc(pid); return err }
		}
		if err := soakCall(phone, stdin, "sip:a@"+addr, media, during); err != nil {
			tb.Fatalf("call %d of %d: %v", i+1, total, err)
		}
	}
	r.took, r.calls = time.Since(t0), calls
	if r.end, err = sampleProc(pid); err != nil {
		tb.Fatal(err)
	}
	if _, err := io.WriteString(stdin, "quit\n"); err != nil {
		tb.Fatal(err)
	}
	if err := phone.finish(15 * time.Second); err != nil {
		tb.Errorf("console exit: %v", err)
	}
	return r
}

// soakCall dials uri, holds the call for media once connected (running
// during first, if any), hangs up and waits for the end. The events of the call are dropped after it: the
// next call starts from an empty backlog.
func soakCall(phone *ours, stdin io.Writer, uri string, media time.Duration, during func() error) error {
	defer func() { phone.backlog = nil }()
	if _, err := io.WriteString(stdin, "dial "+uri+"\n"); err != nil {
		return err
	}
	if _, err := phone.wait("call", "connected", 10*time.Second); err != nil {
		return err
	}
	t0 := time.Now()
	if during != nil {
		if err := during(); err != nil {
			return err
		}
	}
	time.Sleep(media - time.Since(t0)) // the call's media time: the load itself
	if _, err := io.WriteString(stdin, "hangup\n"); err != nil {
		return err
	}
	_, err := phone.wait("call", "ended", 10*time.Second)
	return err
}

// listeningAddr waits for o's "listening" event and returns its address.
func listeningAddr(tb testing.TB, o *ours) string {
	tb.Helper()
	addr, err := listeningAddrErr(o)
	if err != nil {
		tb.Fatal(err)
	}
	return addr
}

func listeningAddrErr(o *ours) (string, error) {
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-o.events:
			if !ok {
				return "", fmt.Errorf("exited before listening: %v", <-o.done)
			}
			if e.str("event") == "listening" {
				return e.str("addr"), nil
			}
		case <-deadline:
			return "", fmt.Errorf("no listening event")
		}
	}
}

// sampleProc reads pid's open descriptors, threads and RSS.
func sampleProc(pid int) (soakSample, error) {
	var s soakSample
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		return s, err
	}
	s.fds = len(fds)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, err
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			if _, err := fmt.Sscan(v, &s.threads); err != nil {
				return s, fmt.Errorf("threads in /proc/%d/status: %w", pid, err)
			}
		}
	}
	m, err := procMemory(pid)
	s.rssMB = m.rss
	return s, err
}

// check fails when a figure grew past its bound.
func (r soakResult) check(l soakBounds) error {
	var bad []string
	if d := r.end.fds - r.start.fds; d > l.fds {
		bad = append(bad, fmt.Sprintf("descriptors grew by %d (bound %d)", d, l.fds))
	}
	if d := r.end.threads - r.start.threads; d > l.threads {
		bad = append(bad, fmt.Sprintf("threads grew by %d (bound %d)", d, l.threads))
	}
	if d := r.end.rssMB - r.start.rssMB; d > l.rssMB {
		bad = append(bad, fmt.Sprintf("RSS grew by %.1f MB (bound %.1f MB)", d, l.rssMB))
	}
	if len(bad) > 0 {
		return fmt.Errorf("after %d calls (start %v; end %v): %s", r.calls, r.start, r.end, strings.Join(bad, "; "))
	}
	return nil
}

// figures are the report's rows: start, end and growth of each figure,
// the growth checked against its bound, and the time the calls took.
func (r soakResult) figures(l soakBounds) []Figure {
	name := fmt.Sprintf("Soak, %d sequential calls", r.calls)
	how := fmt.Sprintf("one `softphone console --json` process (headless build) dials `softphone answer` directly over loopback %d times in a row (connected → %v of media, both sides playing a WAV → hangup → ended), after %d warm-up calls; ",
		r.calls, *soakMedia, *soakWarmup)
	one := func(v float64) []float64 { return []float64{v} }
	out := []Figure{NewFigure(name+": time per call", "ms", how+"wall time of the measured calls divided by their number (includes the media time).",
		one(ms(r.took)/float64(r.calls)), 0, true)}
	add := func(what, unit, source string, start, end, bound float64) {
		out = append(out,
			NewFigure(fmt.Sprintf("%s: %s at start", name, what), unit, source+" of the console process after the warm-up (the run: see time per call).", one(start), 0, true),
			NewFigure(fmt.Sprintf("%s: %s at end", name, what), unit, source+" of the console process after the last call ended.", one(end), 0, true),
			NewFigure(fmt.Sprintf("%s: %s growth", name, what), unit, "end minus start; the target is the bound the soak fails past.", one(end-start), bound, true))
	}
	add("open descriptors", "fds", "entries of /proc/<pid>/fd", float64(r.start.fds), float64(r.end.fds), float64(l.fds))
	add("threads", "threads", "Threads of /proc/<pid>/status (the program exposes no goroutine count)", float64(r.start.threads), float64(r.end.threads), float64(l.threads))
	add("RSS", "MB", "VmRSS of /proc/<pid>/status", r.start.rssMB, r.end.rssMB, l.rssMB)
	return out
}
