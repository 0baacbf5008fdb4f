package bench

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Capacity: how many concurrent G.711 calls one headless process
// of ours sustains on this machine with no late frames. Two load phones
// (this test binary run again as TestCapacityChild, see
// capacity_child_test.go) call each other directly over loopback: the
// process under test places the calls, the other answers them; both use
// our core with null devices at 8 kHz. The ramp adds calls step by step
// and stops at the first step with a late frame or a failed call.

var (
	capSteps   = flag.String("bench.capsteps", "100,300,500,600,700,800,900,1000,1200,1400,1700,2000", "BenchmarkCapacity: concurrent calls at each step of the ramp")
	capHold    = flag.Duration("bench.caphold", 8*time.Second, "BenchmarkCapacity: measurement window of each step")
	capSettle  = flag.Duration("bench.capsettle", 2*time.Second, "BenchmarkCapacity: wait between the last call connected and the window")
	capBatch   = flag.Int("bench.capbatch", 50, "BenchmarkCapacity: calls placed at once")
	capBudget  = flag.Duration("bench.capbudget", 140*time.Second, "BenchmarkCapacity: no new step starts after this long (the whole ramp stays under about 3 minutes)")
	capProfile = flag.String("bench.capprofile", "", "BenchmarkCapacity: directory for CPU and heap profiles of both load phones at the last step (none if empty)")
)

// Each side's RTP ports: 4000 pairs each, below Linux's ephemeral range.
const (
	capCallerPorts = "16400-24398"
	capAnswerPorts = "24400-32398"
)

// BenchmarkCapacity runs the capacity ramp once when -bench.side is given:
//
//	cd internal/bench && go test -run '^$' -bench Capacity -benchtime 1x -bench.side -timeout 10m .
func BenchmarkCapacity(b *testing.B) {
	if !*sideFlag {
		return
	}
	b.StopTimer()
	for _, f := range capacityFigures(b) {
		capLogf("%s: %s %s (n=%d) target %q met %v — %s", f.Scenario, num(f.Value.Median), f.Unit, f.Value.N, f.Target, capMet(f.Met), f.Method)
	}
}

// capLogf prints a progress line at once: a benchmark's log comes only at its
// end, and cut short.
func capLogf(format string, args ...any) { fmt.Printf(format+"\n", args...) }

func capMet(b *bool) string {
	if b == nil {
		return "–"
	}
	return strconv.FormatBool(*b)
}

// capStep is one step of the ramp: counters are differences over the
// measurement window, on the caller (process under test) and the answerer.
type capStep struct {
	N          int
	Setup      time.Duration // placing this step's new calls
	Failed     int
	Reasons    []string
	Call, Ans  loadStats
	RSS, RSSA  float64 // MB, caller and answerer, mid-window
	CPU, CPUA  float64 // % of one core over the window
	Others     float64 // % of one core used by every other process on the machine over the window
	Threads    [2]int  // OS threads of the caller and the far end at the end of the window
	RunWait    float64 // ms per second the caller's threads waited, runnable, for a CPU (kernel run queue)
	Switches   float64 // times per second the caller's threads were switched onto a CPU
	Window     time.Duration
	EndedCalls int // calls that ended during the step (both sides)
	Retries    int // windows measured again because other processes disturbed them
}

// capQuiet is how much CPU (% of one core) the rest of the machine may use
// during a window before a late window counts as disturbed.
const capQuiet = 15.0

func (s capStep) deviceLate() uint64 {
	return s.Call.CapLate + s.Call.PlayLate + s.Ans.CapLate + s.Ans.PlayLate
}

func (s capStep) networkLate() uint64 {
	return s.Call.JBLate + s.Call.Concealed + s.Call.Lost + s.Ans.JBLate + s.Ans.Concealed + s.Ans.Lost
}

func (s capStep) clean() bool {
	return s.Failed == 0 && s.EndedCalls == 0 && s.Call.Calls == s.N && s.Ans.Calls == s.N &&
		s.deviceLate() == 0 && s.networkLate() == 0
}

// String is the step's line in the log: caller (process under test) first,
// then the far end, as "caller/far".
func (s capStep) String() string {
	return fmt.Sprintf("%5d calls | setup %.1fs | late device frames capture+playback %d+%d/%d+%d, worst %.1f/%.1f ms beyond offset | "+
		"jitter buffer late %d/%d, concealed %d/%d, lost %d/%d, received %d/%d | RSS %.0f/%.0f MB | CPU %.0f/%.0f %%, rest of machine %.0f %% | "+
		"caller's threads: %d, run-queue wait %.0f ms/s, %.0f switches/s | goroutines %d/%d | GC %d/%d, pause max %.1f/%.1f ms | Go sched latency p99 %.1f/%.1f ms, max %.0f/%.0f ms, %d/%d over 10 ms | "+
		"failed %d, ended %d %v | retried %d",
		s.N, s.Setup.Seconds(), s.Call.CapLate, s.Call.PlayLate, s.Ans.CapLate, s.Ans.PlayLate,
		float64(s.Call.WorstNs)/1e6, float64(s.Ans.WorstNs)/1e6,
		s.Call.JBLate, s.Ans.JBLate, s.Call.Concealed, s.Ans.Concealed, s.Call.Lost, s.Ans.Lost, s.Call.Received, s.Ans.Received,
		s.RSS, s.RSSA, s.CPU, s.CPUA, s.Others, s.Threads[0], s.RunWait, s.Switches, s.Call.Goroutines, s.Ans.Goroutines,
		s.Call.GCCycles, s.Ans.GCCycles, s.Call.PauseMax, s.Ans.PauseMax,
		s.Call.SchedP99, s.Ans.SchedP99, s.Call.SchedMax, s.Ans.SchedMax, s.Call.SchedOver, s.Ans.SchedOver,
		s.Failed, s.EndedCalls, s.Reasons, s.Retries)
}

// capacityFigures runs the ramp and returns the report's capacity figures.
func capacityFigures(tb testing.TB) []Figure {
	tb.Helper()
	steps, err := parseCapSteps(*capSteps)
	if err != nil {
		tb.Fatal(err)
	}
	return capRamp(tb, steps, *capBudget).figures()
}

// capRun is one ramp's outcome.
type capRun struct {
	steps   []capStep
	idleRSS float64 // MB, process under test before its first call
	stop    string  // why the ramp ended
}

// capRamp starts the two load phones and climbs steps until one is not
// clean or budget is spent.
func capRamp(tb testing.TB, steps []int, budget time.Duration) capRun {
	tb.Helper()
	logDir := tb.TempDir()
	if *capProfile != "" { // kept with the profiles
		logDir = *capProfile
	}
	ans := startLoadPhone(tb, "answer", capAnswerPorts, logDir)
	caller := startLoadPhone(tb, "call", capCallerPorts, logDir)
	defer ans.stop()
	defer caller.stop()
	to := "sip:load@" + ans.listen

	time.Sleep(time.Second)
	run := capRun{stop: "the last step of the ramp was clean"}
	var err error
	if run.idleRSS, _, err = procMem(caller.pid); err != nil {
		tb.Fatal(err)
	}
	capLogf("capacity: idle RSS of the process under test %.1f MB; steps %v, batches of %d, settle %v, window %v",
		run.idleRSS, steps, *capBatch, *capSettle, *capHold)
	start := time.Now()
	placed := 0
	for _, n := range steps {
		if time.Since(start) > budget {
			run.stop = fmt.Sprintf("time budget of %v spent", budget)
			break
		}
		st := capStep{N: n}
		t0 := time.Now()
		for placed < n && st.Failed == 0 {
			k := min(*capBatch, n-placed)
			r, err := caller.do(loadCmd{Op: "dial", N: k, To: to, Timeout: 20 * time.Second})
			if err != nil {
				tb.Fatalf("capacity: dial: %v", err)
			}
			placed += r.Connected
			st.Failed += r.Failed
			st.Reasons = append(st.Reasons, r.Reasons...)
		}
		st.Setup = time.Since(t0)
		if st.Failed == 0 {
			measureStep(tb, &st, caller, ans)
			// A short burst of another process (a build, a test) makes a
			// few frames late; overload makes every window late. So a late
			// window is measured again, and a third time if other processes
			// were busy during the second.
			for !st.clean() && st.EndedCalls == 0 && (st.Retries == 0 || st.Retries == 1 && st.Others > capQuiet) {
				capLogf("capacity: %s — measuring again", st)
				st.Retries++
				measureStep(tb, &st, caller, ans)
			}
		}
		capLogf("capacity: %s", st)
		run.steps = append(run.steps, st)
		if !st.clean() {
			run.stop = fmt.Sprintf("step %d had late frames or failed calls", n)
			break
		}
	}
	if *capProfile != "" {
		profileLoad(tb, caller, ans, logDir)
	}
	return run
}

// measureStep waits for the calls to settle, then measures the window.
func measureStep(tb testing.TB, st *capStep, caller, ans *loadProc) {
	tb.Helper()
	time.Sleep(*capSettle)
	c0, a0 := caller.stats(tb), ans.stats(tb)
	cpu0, err := procCPU(caller.pid)
	if err != nil {
		tb.Fatal(err)
	}
	cpuA0, err := procCPU(ans.pid)
	if err != nil {
		tb.Fatal(err)
	}
	sys0, err := capMachineCPU()
	if err != nil {
		tb.Fatal(err)
	}
	wait0, slices0 := capSchedStat(caller.pid)
	w0 := time.Now()
	time.Sleep(*capHold / 2)
	if st.RSS, _, err = procMem(caller.pid); err != nil {
		tb.Fatal(err)
	}
	if st.RSSA, _, err = procMem(ans.pid); err != nil {
		tb.Fatal(err)
	}
	time.Sleep(*capHold - time.Since(w0))
	cpu1, _ := procCPU(caller.pid)
	cpuA1, _ := procCPU(ans.pid)
	sys1, _ := capMachineCPU()
	st.Window = time.Since(w0)
	wait1, slices1 := capSchedStat(caller.pid)
	st.RunWait = (wait1 - wait0).Seconds() * 1000 / st.Window.Seconds()
	st.Switches = float64(slices1-slices0) / st.Window.Seconds()
	c1, a1 := caller.stats(tb), ans.stats(tb)
	st.Threads = [2]int{capThreads(caller.pid), capThreads(ans.pid)}
	st.CPU = 100 * (cpu1 - cpu0) / st.Window.Seconds()
	st.CPUA = 100 * (cpuA1 - cpuA0) / st.Window.Seconds()
	st.Others = max(0, 100*(sys1-sys0)/st.Window.Seconds()-st.CPU-st.CPUA) // the two clocks tick apart: never below 0
	st.Call, st.Ans = c1.sub(c0), a1.sub(a0)
	st.EndedCalls += st.Call.Ended + st.Ans.Ended
}

// best is the highest clean step, nil if none.
func (r capRun) best() *capStep {
	var b *capStep
	for i := range r.steps {
		if r.steps[i].clean() {
			b = &r.steps[i]
		}
	}
	return b
}

func (r capRun) figures() []Figure {
	var ramp []string
	for _, s := range r.steps {
		mark := "clean"
		if !s.clean() {
			mark = fmt.Sprintf("device late %d, network late/concealed/lost %d, failed %d, ended %d", s.deviceLate(), s.networkLate(), s.Failed, s.EndedCalls)
		}
		if s.Retries > 0 {
			mark += fmt.Sprintf(" (window measured %d times)", s.Retries+1)
		}
		ramp = append(ramp, fmt.Sprintf("%d: %s", s.N, mark))
	}
	best := r.best()
	capN := 0.0
	if best != nil {
		capN = float64(best.N)
	}
	capLogf("capacity: %v calls (%s)", capN, r.stop)
	lateness := "no device frame late (capture or playback handed over more than one 20 ms period after its due time, beyond the stream's steady offset, counted by the null device's pacer: audio.LateStats), " +
		"no jitter-buffer late packet, no concealed or inserted frame, no packet lost, no call ended or failed"
	retry := fmt.Sprintf("A window with late frames is measured again (a burst of another process on the machine makes a few frames late, overload makes every window late), and a third time if other processes used more than %.0f %% of a core during the second; the step is clean if its last window is.", capQuiet)
	method := fmt.Sprintf("the highest step of a ramp whose %v window had no late frame. Two headless phones of ours (this test binary re-run as a child, core with PCMU only and null devices at 8 kHz, no resampling) call each other directly on loopback on this machine: "+
		"the process under test places the calls, %d at a time, the other answers them (so the far end's media costs as much CPU as the process under test). After the calls connect and %v of settling, the window must show, on both processes: %s. %s Ramp (%s): %s.",
		*capHold, *capBatch, *capSettle, lateness, retry, r.stop, strings.Join(ramp, "; "))
	figs := []Figure{NewFigure("Capacity: concurrent G.711 calls with no late frames", "calls", method, []float64{capN}, 500, false)}
	if best == nil {
		return figs
	}
	at := fmt.Sprintf(" at %d calls", best.N)
	return append(figs,
		NewFigure("RSS of the process under test"+at, "MB", "VmRSS of the calling process in the middle of the capacity step's window.", []float64{best.RSS}, 0, true),
		NewFigure("CPU of the process under test"+at, "% of one core", fmt.Sprintf("utime+stime of the calling process over the %v window (2 cores = 200 %%); the answering process used %.0f %% and the rest of the machine %.0f %% at the same time.", best.Window.Round(100*time.Millisecond), best.CPUA, best.Others), []float64{best.CPU}, 0, true),
		NewFigure("Memory per call", "KB", fmt.Sprintf("(VmRSS at %d calls − VmRSS idle before the first call, %.1f MB) / %d, calling process.", best.N, r.idleRSS, best.N), []float64{(best.RSS - r.idleRSS) * 1024 / float64(best.N)}, 0, true),
	)
}

func parseCapSteps(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, fmt.Errorf("bench.capsteps: %q is not an increasing list of call counts", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// loadProc is a running load phone.
type loadProc struct {
	tb     testing.TB
	role   string
	cmd    *exec.Cmd
	in     io.WriteCloser
	out    *bufio.Scanner
	listen string
	pid    int
	errLog string
	exited chan struct{}
	once   sync.Once
}

// startLoadPhone starts a load phone in role with its RTP ports, its
// stderr going to a file in logDir.
func startLoadPhone(tb testing.TB, role, ports, logDir string) *loadProc {
	tb.Helper()
	if err := os.MkdirAll(logDir, 0o755); err != nil {
		tb.Fatal(err)
	}
	l := &loadProc{tb: tb, role: role, errLog: filepath.Join(logDir, "capacity-"+role+".log"), exited: make(chan struct{})}
	l.cmd = exec.Command(os.Args[0], "-test.run=^TestCapacityChild$", "-test.count=1", "-test.timeout=0")
	l.cmd.Env = append(os.Environ(), loadRoleEnv+"="+role, loadPortsEnv+"="+ports)
	errf, err := os.Create(l.errLog)
	if err != nil {
		tb.Fatal(err)
	}
	defer errf.Close()
	l.cmd.Stderr = errf
	if l.in, err = l.cmd.StdinPipe(); err != nil {
		tb.Fatal(err)
	}
	stdout, err := l.cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := l.cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	l.pid = l.cmd.Process.Pid
	go func() { _ = l.cmd.Wait(); close(l.exited) }()
	tb.Cleanup(l.stop)
	l.out = bufio.NewScanner(stdout)
	l.out.Buffer(make([]byte, 64<<10), 1<<20)
	r, err := l.read(30 * time.Second)
	if err != nil || r.Listen == "" {
		tb.Fatalf("load phone %s: %v %s", role, err, l.stderr())
	}
	l.listen = r.Listen
	return l
}

// do sends one command and reads its reply.
func (l *loadProc) do(c loadCmd) (loadReply, error) {
	b, _ := json.Marshal(c)
	if _, err := l.in.Write(append(b, '\n')); err != nil {
		return loadReply{}, fmt.Errorf("load phone %s: %v %s", l.role, err, l.stderr())
	}
	r, err := l.read(c.Timeout + c.For + 60*time.Second)
	if err == nil && r.Error != "" {
		err = errors.New(r.Error)
	}
	return r, err
}

// read reads one reply line, killing the process if none comes in time.
func (l *loadProc) read(timeout time.Duration) (loadReply, error) {
	got := make(chan error, 1)
	var r loadReply
	go func() {
		for l.out.Scan() { // lines that are not ours (the testing package's) are skipped
			line := l.out.Bytes()
			if len(line) > 0 && line[0] == '{' {
				got <- json.Unmarshal(line, &r)
				return
			}
		}
		got <- fmt.Errorf("load phone %s exited: %v %s", l.role, l.out.Err(), l.stderr())
	}()
	select {
	case err := <-got:
		return r, err
	case <-time.After(timeout):
		_ = l.cmd.Process.Kill()
		<-got
		return r, fmt.Errorf("load phone %s: no reply in %v", l.role, timeout)
	}
}

func (l *loadProc) stats(tb testing.TB) loadStats {
	tb.Helper()
	r, err := l.do(loadCmd{Op: "stats"})
	if err != nil || r.Stats == nil {
		tb.Fatalf("load phone %s stats: %v", l.role, err)
	}
	return *r.Stats
}

// stop ends the process: quit, then kill.
func (l *loadProc) stop() {
	l.once.Do(func() {
		_, _ = l.in.Write([]byte(`{"op":"quit"}` + "\n"))
		_ = l.in.Close()
		select {
		case <-l.exited:
		case <-time.After(5 * time.Second):
			_ = l.cmd.Process.Kill()
			<-l.exited
		}
	})
}

func (l *loadProc) stderr() string {
	b, _ := os.ReadFile(l.errLog)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}

// profileLoad takes 5 s CPU profiles, then execution traces as long as a
// window, of both load phones at the load they carry now, and logs where
// they are.
func profileLoad(tb testing.TB, caller, ans *loadProc, dir string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	bin, _ := filepath.Abs(filepath.Join(dir, "bench.test")) // the go test binary goes with its temporary directory
	if exe, err := os.ReadFile(os.Args[0]); err != nil || os.WriteFile(bin, exe, 0o755) != nil {
		bin = os.Args[0]
	}
	var wg sync.WaitGroup
	for _, l := range []*loadProc{caller, ans} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			path, _ := filepath.Abs(filepath.Join(dir, "capacity-"+l.role+".pprof"))
			if _, err := l.do(loadCmd{Op: "profile", Path: path, For: 5 * time.Second}); err != nil {
				tb.Errorf("profile %s: %v", l.role, err)
				return
			}
			capLogf("capacity: CPU profile of the %s side: go tool pprof -top %s %s", l.role, bin, path)
			tr := strings.TrimSuffix(path, ".pprof") + ".trace"
			if _, err := l.do(loadCmd{Op: "trace", Path: tr, For: *capHold}); err != nil {
				tb.Errorf("trace %s: %v", l.role, err)
				return
			}
			capLogf("capacity: execution trace of the %s side: go tool trace %s", l.role, tr)
		}()
	}
	wg.Wait()
}
