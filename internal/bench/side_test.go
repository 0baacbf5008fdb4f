package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

var (
	sideFlag   = flag.Bool("bench.side", false, "run the side-by-side benchmarks against baresip (BenchmarkSideBySide)")
	outDir     = flag.String("bench.out", "../../docs/bench", "where BenchmarkSideBySide writes results.md and results.json")
	setupCalls = flag.Int("bench.setupcalls", 20, "call-setup pairs")
	cpuPairs   = flag.Int("bench.cpupairs", 3, "CPU-per-call pairs per codec")
	callLen    = flag.Duration("bench.calllen", 30*time.Second, "length of the CPU-per-call calls")
	idlePairs  = flag.Int("bench.idlepairs", 5, "start-up and idle-memory pairs")
)

// BenchmarkSideBySide runs issue 7's side-by-side scenarios once (whatever
// b.N) when -bench.side is given; without it, it returns at once.
func BenchmarkSideBySide(b *testing.B) {
	if !*sideFlag {
		return
	}
	b.StopTimer()
	testlab.Require(b, "kamailio", "kamailio")
	testlab.Require(b, "baresip", "baresip-core")
	bin := filepath.Join(b.TempDir(), "softphone")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/softphone").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	k := testlab.StartKamailio(b, testlab.KamailioOptions{})
	tone := filepath.Join(b.TempDir(), "tone.wav")
	if err := testlab.WriteToneWAV(tone, 48000, 440, 5*time.Second, testlab.ToneAmplitude); err != nil {
		b.Fatal(err)
	}
	cfg := filepath.Join(b.TempDir(), "config.toml")
	toml := fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = \"alice\"\nusername = \"alice\"\npassword = \"alice-secret\"\ndomain = %q\nproxy = %q\ntransport = \"udp\"\n",
		k.Domain, k.UDPAddr)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		b.Fatal(err)
	}
	bob := testlab.StartBaresip(b, testlab.BaresipOptions{User: "bob", Kamailio: k})
	h := &harness{b: b, bin: bin, cfg: cfg, tone: tone, k: k, bob: bob}

	var rep Report
	rep.Machine = MachineFacts(debVersion("baresip-core"), debVersion("kamailio"))
	rep.Notes = []string{
		"Every figure alternates the two programs (ours, then baresip) pair by pair on the same loopback Kamailio (digest auth on REGISTER and INVITE) with the same auto-answering baresip \"bob\" (all codecs) as the far end.",
		"Our program is the real binary built from this tree (`softphone call`/`register` as a child process); baresip's caller is user \"carol\" driven over ctrl_tcp.",
		"Our caller sends a 440 Hz WAV (--play) and records what it receives (--record); baresip's caller sends a 1 kHz tone through aufile and plays to aubridge (no device). Neither uses a sound card.",
		"CPU is utime+stime from /proc/<pid>/stat (10 ms ticks); memory is VmRSS/VmHWM from /proc/<pid>/status. Not yet covered here (issue 7, later parts): media-flowing time, client-added latency, capacity, GUI figures.",
	}
	rep.Rows = append(rep.Rows, h.setup()...)
	for _, c := range []string{"opus", "pcmu"} {
		rep.Rows = append(rep.Rows, h.cpu(c)...)
	}
	rep.Rows = append(rep.Rows, h.startup()...)
	if err := rep.Write(*outDir); err != nil {
		b.Fatal(err)
	}
	b.Logf("wrote %s:\n%s", *outDir, rep.Markdown())
}

type harness struct {
	b               *testing.B
	bin, cfg, tone  string
	k               *testlab.Kamailio
	bob             *testlab.Baresip
	callers         map[string]*testlab.Baresip
	callerProcCache map[string]int
}

// caller returns baresip "carol" offering only codec ("" = all), started once.
func (h *harness) caller(codec string) (*testlab.Baresip, int) {
	if h.callers == nil {
		h.callers, h.callerProcCache = map[string]*testlab.Baresip{}, map[string]int{}
	}
	if c, ok := h.callers[codec]; ok {
		return c, h.callerProcCache[codec]
	}
	opts := testlab.BaresipOptions{User: "carol", Kamailio: h.k}
	if codec != "" {
		opts.Codecs = []string{codec}
	}
	c := testlab.StartBaresip(h.b, opts)
	pid, err := baresipPid(c.Dir)
	if err != nil {
		h.b.Fatal(err)
	}
	h.callers[codec], h.callerProcCache[codec] = c, pid
	return c, pid
}

// ours is a running softphone child and its JSON events.
type ours struct {
	cmd    *exec.Cmd
	events chan event
	done   chan error
}

type event struct {
	at time.Time
	m  map[string]any
}

func (e event) str(k string) string { s, _ := e.m[k].(string); return s }

func (e event) time(k string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, e.str(k))
	return t
}

func (h *harness) start(args ...string) *ours {
	cmd := exec.Command(h.bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		h.b.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		h.b.Fatal(err)
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

// wait returns the first event matching kind and state.
func (o *ours) wait(kind, state string, timeout time.Duration) (event, error) {
	deadline := time.After(timeout)
	for {
		select {
		case e, ok := <-o.events:
			if !ok {
				return event{}, fmt.Errorf("exited before %s %s: %v", kind, state, <-o.done)
			}
			if e.str("event") == kind && e.str("state") == state {
				return e, nil
			}
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

func (h *harness) waitBob(typ string) testlab.Event {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := h.bob.WaitEvent(ctx, typ)
	if err != nil {
		h.b.Fatalf("bob: %v", err)
	}
	return e
}

func waitB(b *testing.B, c *testlab.Baresip, typ string) testlab.Event {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := c.WaitEvent(ctx, typ)
	if err != nil {
		b.Fatalf("%s: %v", c.User, err)
	}
	return e
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// setup: INVITE → 200 OK, caller-side and callee-side, 20+ pairs.
func (h *harness) setup() []Row {
	carol, _ := h.caller("opus")
	var oc, bc, os_, bs []float64
	for i := range *setupCalls {
		// ours
		o := h.start("call", "sip:bob@"+h.k.Domain, "--json", "--hangup-after", "200ms", "--config", h.cfg,
			"--codecs", "opus", "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav"))
		e, err := o.wait("call", "connected", 10*time.Second)
		if err != nil {
			h.b.Fatalf("ours call %d: %v", i, err)
		}
		started, answered := e.time("started"), e.time("answered")
		est := h.waitBob("CALL_ESTABLISHED")
		if err := o.finish(10 * time.Second); err != nil {
			h.b.Fatalf("ours call %d: %v", i, err)
		}
		h.waitBob("CALL_CLOSED")
		oc = append(oc, ms(answered.Sub(started)))
		os_ = append(os_, ms(est.Time.Sub(started)))
		// baresip
		t0 := time.Now()
		if err := carol.Dial(h.bob.AOR); err != nil {
			h.b.Fatalf("carol dial: %v", err)
		}
		cest := waitB(h.b, carol, "CALL_ESTABLISHED")
		best := h.waitBob("CALL_ESTABLISHED")
		time.Sleep(200 * time.Millisecond)
		if err := carol.Hangup(); err != nil {
			h.b.Fatalf("carol hangup: %v", err)
		}
		waitB(h.b, carol, "CALL_CLOSED")
		h.waitBob("CALL_CLOSED")
		bc = append(bc, ms(cest.Time.Sub(t0)))
		bs = append(bs, ms(best.Time.Sub(t0)))
	}
	return []Row{
		NewRow("Call setup, caller's view (Opus)", "ms", "ours: `started`→`answered` timestamps of the JSON call event (Dial → 200 OK handled); baresip: ctrl_tcp `dial` command sent → CALL_ESTABLISHED read by the harness (includes one ctrl_tcp round trip). Both include the registrar's 407 challenge and the re-sent INVITE.", oc, bc),
		NewRow("Call setup, callee's view (Opus)", "ms", "the same measurement for both: call start (ours: `started` wall-clock timestamp; baresip: dial command sent) → the far end (bob) reports CALL_ESTABLISHED over ctrl_tcp, as read by the harness.", os_, bs),
	}
}

// cpu: CPU seconds and memory of the caller over a call of callLen.
func (h *harness) cpu(codec string) []Row {
	carol, pid := h.caller(codec)
	window := *callLen - 200*time.Millisecond
	var oCPU, bCPU, oRSS, bRSS, oHWM, bHWM []float64
	for i := range *cpuPairs {
		o := h.start("call", "sip:bob@"+h.k.Domain, "--json", "--hangup-after", callLen.String(), "--config", h.cfg,
			"--codecs", codec, "--play", h.tone, "--record", filepath.Join(h.b.TempDir(), "rec.wav"))
		if _, err := o.wait("call", "connected", 10*time.Second); err != nil {
			h.b.Fatalf("ours %s call %d: %v", codec, i, err)
		}
		c, r, hw := h.measureCall(o.cmd.Process.Pid, window)
		if err := o.finish(15 * time.Second); err != nil {
			h.b.Fatalf("ours %s call %d: %v", codec, i, err)
		}
		h.waitBob("CALL_ESTABLISHED")
		h.waitBob("CALL_CLOSED")
		oCPU, oRSS, oHWM = append(oCPU, c), append(oRSS, r), append(oHWM, hw)

		if err := carol.Dial(h.bob.AOR); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_ESTABLISHED")
		c, r, hw = h.measureCall(pid, window)
		if err := carol.Hangup(); err != nil {
			h.b.Fatal(err)
		}
		waitB(h.b, carol, "CALL_CLOSED")
		h.waitBob("CALL_ESTABLISHED")
		h.waitBob("CALL_CLOSED")
		bCPU, bRSS, bHWM = append(bCPU, c), append(bRSS, r), append(bHWM, hw)
	}
	name := strings.ToUpper(codec[:1]) + codec[1:]
	if codec == "pcmu" {
		name = "PCMU"
	}
	m := fmt.Sprintf("caller process, /proc/<pid>/stat utime+stime from the moment the call is connected (ours: `connected` event; baresip: CALL_ESTABLISHED) to %v later (just before the hang-up); %d pairs (kept small so the whole run stays short).", window, *cpuPairs)
	return []Row{
		NewRow(fmt.Sprintf("CPU per %v call (%s)", *callLen, name), "CPU s", m, oCPU, bCPU),
		NewRow(fmt.Sprintf("RSS in a call (%s)", name), "MB", "caller's VmRSS at mid-call. baresip's caller process had already made earlier calls (it stays up); ours is a fresh `softphone call` process.", oRSS, bRSS),
		NewRow(fmt.Sprintf("Peak RSS through a call (%s)", name), "MB", "caller's VmHWM just before the hang-up (baresip's includes its earlier calls: it is one long-lived process).", oHWM, bHWM),
	}
}

// measureCall samples pid's CPU over window from now, and its RSS at mid-window and HWM at the end.
func (h *harness) measureCall(pid int, window time.Duration) (cpu, rss, hwm float64) {
	c0, err := procCPU(pid)
	if err != nil {
		h.b.Fatal(err)
	}
	start := time.Now()
	time.Sleep(window / 2)
	if rss, _, err = procMem(pid); err != nil {
		h.b.Fatal(err)
	}
	time.Sleep(window - time.Since(start))
	c1, err := procCPU(pid)
	if err != nil {
		h.b.Fatal(err)
	}
	if _, hwm, err = procMem(pid); err != nil {
		h.b.Fatal(err)
	}
	return c1 - c0, rss, hwm
}

// startup: launch → registered, and idle memory 2 s after registering.
func (h *harness) startup() []Row {
	// A baresip whose config testlab wrote; we relaunch it ourselves to time it.
	d := testlab.StartBaresip(h.b, testlab.BaresipOptions{User: "carol", Kamailio: h.k})
	if err := d.Stop(); err != nil {
		h.b.Fatal(err)
	}
	var oT, bT, oRSS, bRSS, oHWM, bHWM []float64
	for i := range *idlePairs {
		t0 := time.Now()
		o := h.start("register", "--json", "--config", h.cfg)
		e, err := o.wait("registration", "registered", 10*time.Second)
		if err != nil {
			h.b.Fatalf("ours register %d: %v", i, err)
		}
		oT = append(oT, ms(e.at.Sub(t0)))
		time.Sleep(2 * time.Second)
		r, hw, err := procMem(o.cmd.Process.Pid)
		if err != nil {
			h.b.Fatal(err)
		}
		oRSS, oHWM = append(oRSS, r), append(oHWM, hw)
		_ = o.cmd.Process.Signal(syscall.SIGINT)
		if err := o.finish(10 * time.Second); err != nil {
			h.b.Logf("ours register %d exit: %v", i, err)
		}

		bt, r, hw := h.launchBaresip(d)
		for try := 0; bt < 0 && try < 5; try++ { // the harness connected after REGISTER_OK: launch again
			bt, r, hw = h.launchBaresip(d)
		}
		if bt < 0 {
			h.b.Fatal("baresip: REGISTER_OK missed on every launch")
		}
		bT, bRSS, bHWM = append(bT, bt), append(bRSS, r), append(bHWM, hw)
	}
	return []Row{
		NewRow("Start-up: launch → registered", "ms", "process start (exec) → ours: the `registered` JSON event line read from `softphone register --json`; baresip: REGISTER_OK read from ctrl_tcp (the harness connects as soon as the port accepts). Includes the 401 challenge.", oT, bT),
		NewRow("RSS idle and registered", "MB", "VmRSS 2 s after registering (ours: `softphone register`, headless; baresip with ctrl_tcp, aufile, no call yet).", oRSS, bRSS),
		NewRow("Peak RSS idle and registered", "MB", "VmHWM at the same moment.", oHWM, bHWM),
	}
}

// launchBaresip starts baresip on d's config, times launch → REGISTER_OK,
// reads its memory 2 s later and quits it.
func (h *harness) launchBaresip(d *testlab.Baresip) (ms_, rss, hwm float64) {
	t0 := time.Now()
	cmd := exec.Command("baresip", "-f", d.Dir, "-n", "127.0.0.1")
	cmd.Dir = d.Dir
	if err := cmd.Start(); err != nil {
		h.b.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		case <-time.After(3 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}()
	var conn net.Conn
	var err error
	for time.Since(t0) < 5*time.Second {
		if conn, err = net.Dial("tcp", d.CtrlAddr); err == nil {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err != nil {
		_ = cmd.Process.Kill()
		h.b.Fatalf("baresip ctrl_tcp: %v", err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
	for {
		msg, err := readNetstring(r)
		if err != nil { // REGISTER_OK came before the connection: not measurable
			_ = cmd.Process.Kill()
			return -1, 0, 0
		}
		var e struct{ Type string }
		if json.Unmarshal(msg, &e) == nil && e.Type == "REGISTER_OK" {
			ms_ = ms(time.Since(t0))
			break
		}
	}
	_ = conn.SetReadDeadline(time.Time{})
	time.Sleep(2 * time.Second)
	if rss, hwm, err = procMem(cmd.Process.Pid); err != nil {
		h.b.Fatal(err)
	}
	q, _ := json.Marshal(map[string]string{"command": "quit"})
	fmt.Fprintf(conn, "%d:%s,", len(q), q)
	return ms_, rss, hwm
}

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

// procMem is VmRSS and VmHWM in MB.
func procMem(pid int) (rss, hwm float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for line := range strings.Lines(string(b)) {
		k, v, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
		switch k {
		case "VmRSS":
			rss = kb / 1024
		case "VmHWM":
			hwm = kb / 1024
		}
	}
	return rss, hwm, nil
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

func debVersion(pkg string) string {
	out, err := exec.Command("dpkg-query", "-W", "-f=${Version}", pkg).Output()
	if err != nil {
		return "unknown"
	}
	return pkg + " " + string(out)
}
