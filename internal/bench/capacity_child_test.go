package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/audio"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/config"
	"github.com/softphone/softphone/core/media"
)

// The process under test of BenchmarkCapacity is this test binary run
// again as TestCapacityChild with loadRoleEnv set: one headless phone (our
// core, G.711 µ-law only, null audio devices at 8 kHz) that either answers
// every call ("answer") or places calls on command ("call"). It reads
// commands as JSON lines on stdin and answers each with one JSON line on
// stdout.
const (
	loadRoleEnv  = "SOFTPHONE_LOADPHONE_ROLE"  // "answer" or "call"
	loadPortsEnv = "SOFTPHONE_LOADPHONE_PORTS" // RTP port range "min-max"
)

// TestCapacityChild is BenchmarkCapacity's helper process; without
// loadRoleEnv it does nothing.
func TestCapacityChild(t *testing.T) {
	role := os.Getenv(loadRoleEnv)
	if role == "" {
		return
	}
	err := runLoadPhone(role, os.Getenv(loadPortsEnv), os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadphone:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// loadCmd is one command to a load phone.
type loadCmd struct {
	Op      string        `json:"op"`                // "dial", "stats", "profile", "trace", "quit"
	N       int           `json:"n,omitempty"`       // dial: calls to place
	To      string        `json:"to,omitempty"`      // dial: address
	Path    string        `json:"path,omitempty"`    // profile, trace: output file
	For     time.Duration `json:"for,omitempty"`     // profile, trace: duration
	Timeout time.Duration `json:"timeout,omitempty"` // dial: how long to wait for the answers
}

// loadReply is a load phone's answer to one command.
type loadReply struct {
	Listen string `json:"listen,omitempty"` // first line: the SIP address
	Error  string `json:"error,omitempty"`
	// dial
	Connected int      `json:"connected,omitempty"`
	Failed    int      `json:"failed,omitempty"`
	Reasons   []string `json:"reasons,omitempty"`
	// stats
	Stats *loadStats `json:"stats,omitempty"`
}

// loadStats is a snapshot of a load phone's counters; the harness takes
// differences between two snapshots.
type loadStats struct {
	Calls int `json:"calls"` // connected and not ended
	Ended int `json:"ended"` // ended since start
	// Device side, summed over every call's null device (see audio.LateStats).
	CapFrames  uint64 `json:"cap_frames"`
	CapLate    uint64 `json:"cap_late"`
	PlayFrames uint64 `json:"play_frames"`
	PlayLate   uint64 `json:"play_late"`
	// WorstNs is the largest lateness beyond a stream's offset since the
	// previous snapshot, over all devices and both directions.
	WorstNs int64 `json:"worst_ns"`
	// Network side, summed over the connected calls (media.Stats).
	Received  uint64 `json:"received"`
	Sent      uint64 `json:"sent"`
	Lost      uint64 `json:"lost"`
	JBLate    uint64 `json:"jb_late"`
	Concealed uint64 `json:"concealed"`
	// Go runtime.
	Goroutines uint64  `json:"goroutines"`
	GCCycles   uint64  `json:"gc_cycles"`
	HeapMB     float64 `json:"heap_mb"`
	// How long goroutines waited to run once runnable, and the GC's
	// stop-the-world pauses, since the previous snapshot (upper bucket
	// bounds of the runtime's histograms, ms).
	SchedP99  float64 `json:"sched_p99_ms"`
	SchedMax  float64 `json:"sched_max_ms"`
	PauseMax  float64 `json:"gc_pause_max_ms"`
	SchedOver uint64  `json:"sched_over_10ms"` // goroutine wake-ups that waited more than 10 ms
}

type loadPhone struct {
	p    *core.Engine
	role string

	mu       sync.Mutex
	devs     []*audio.NullDevice
	calls    map[string]time.Time // connected call → when
	ended    int
	endedIDs map[string]call.Info      // ended calls, for a waiter filed late
	waiters  map[string]chan call.Info // Dial id → its Connected or Ended

	lastSched, lastPause []uint64 // runtime histogram counts at the previous snapshot
}

func runLoadPhone(role, ports string, in io.Reader, out io.Writer) error {
	if role != "answer" && role != "call" {
		return fmt.Errorf("role %q", role)
	}
	pr := loadPorts(ports)
	pcmu, err := codecs.ByNames([]string{"pcmu"})
	if err != nil {
		return err
	}
	lp := &loadPhone{role: role, calls: map[string]time.Time{}, waiters: map[string]chan call.Info{}, endedIDs: map[string]call.Info{}}
	cfg := &config.Config{SIP: config.SIP{Listen: "127.0.0.1:0", UserAgent: "loadphone", AllowDirect: config.On}}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	p, err := core.New(cfg, core.WithAudio(lp.device), core.WithCodecs(pcmu...), core.WithMediaPorts(pr),
		core.WithoutRegistration(), core.WithLogger(log),
		core.WithSourceLimit(100000, 100000)) // one address places every call of the ramp
	if err != nil {
		return err
	}
	lp.p = p
	events, cancel := p.Events()
	defer cancel()
	if err := p.Start(context.Background()); err != nil {
		return err
	}
	go lp.watch(events)

	enc := json.NewEncoder(out)
	if err := enc.Encode(loadReply{Listen: p.State().Listen}); err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		var c loadCmd
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			return err
		}
		var r loadReply
		switch c.Op {
		case "dial":
			r = lp.dial(c.N, c.To, c.Timeout)
		case "stats":
			st := lp.stats()
			r.Stats = &st
		case "profile":
			if err := loadCPUProfile(c.Path, c.For); err != nil {
				r.Error = err.Error()
			}
		case "trace":
			if err := loadTrace(c.Path, c.For); err != nil {
				r.Error = err.Error()
			}
		case "quit":
			return nil // the calls go with the process: no BYE storm
		default:
			r.Error = "unknown op " + c.Op
		}
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return sc.Err()
}

// loadPorts parses "min-max" (zero: the default range).
func loadPorts(s string) media.PortRange {
	var pr media.PortRange
	if lo, hi, ok := strings.Cut(s, "-"); ok {
		pr.Min, _ = strconv.Atoi(lo)
		pr.Max, _ = strconv.Atoi(hi)
	}
	return pr
}

// device is the phone's audio factory: a null device at the codec's rate
// (no resampling), kept for its pacing counters.
func (lp *loadPhone) device(_ call.Info, f audio.Format) (audio.Device, error) {
	d, err := audio.NewNullDevice(f)
	if err != nil {
		return nil, err
	}
	lp.mu.Lock()
	lp.devs = append(lp.devs, d)
	lp.mu.Unlock()
	return d, nil
}

// watch answers incoming calls (answer role) and tracks connected and
// ended calls.
func (lp *loadPhone) watch(events <-chan core.Event) {
	for e := range events {
		ce, ok := e.(core.CallEvent)
		if !ok {
			continue
		}
		info := ce.Info
		switch info.State {
		case call.Incoming:
			if lp.role == "answer" {
				go func() { _ = lp.p.Answer(context.Background(), info.ID) }() // Answer waits for the ACK
			}
		case call.Connected:
			lp.mu.Lock()
			lp.calls[info.ID] = time.Now()
			w := lp.waiters[info.ID]
			delete(lp.waiters, info.ID)
			lp.mu.Unlock()
			if w != nil {
				w <- info
			}
		case call.Ended:
			lp.mu.Lock()
			delete(lp.calls, info.ID)
			lp.ended++
			lp.endedIDs[info.ID] = info
			w := lp.waiters[info.ID]
			delete(lp.waiters, info.ID)
			lp.mu.Unlock()
			if w != nil {
				w <- info
			}
		}
	}
}

// dial places n calls to `to` at once and waits until each is connected
// or has failed.
func (lp *loadPhone) dial(n int, to string, timeout time.Duration) loadReply {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	var r loadReply
	var all []chan call.Info
	for range n {
		ch := make(chan call.Info, 1)
		// The answer may come before Dial returns and the waiter is filed:
		// then the call is already listed as connected or ended.
		id, err := lp.p.Dial(context.Background(), to, core.DialOptions{})
		if err != nil {
			r.Failed++
			r.Reasons = loadAppendReason(r.Reasons, err.Error())
			continue
		}
		lp.mu.Lock()
		if _, done := lp.calls[id]; done {
			ch <- call.Info{ID: id, State: call.Connected}
		} else if info, done := lp.endedIDs[id]; done {
			ch <- info
		} else {
			lp.waiters[id] = ch
		}
		lp.mu.Unlock()
		all = append(all, ch)
	}
	deadline := time.After(timeout)
	for _, ch := range all {
		select {
		case info := <-ch:
			if info.State == call.Connected {
				r.Connected++
			} else {
				r.Failed++
				r.Reasons = loadAppendReason(r.Reasons, fmt.Sprintf("%s (%d)", info.Reason, info.Code))
			}
		case <-deadline:
			r.Failed++
			r.Reasons = loadAppendReason(r.Reasons, "not connected within "+timeout.String())
		}
	}
	return r
}

func loadAppendReason(rs []string, r string) []string {
	if len(rs) < 5 {
		rs = append(rs, r)
	}
	return rs
}

func (lp *loadPhone) stats() loadStats {
	lp.mu.Lock()
	devs := lp.devs
	ids := make([]string, 0, len(lp.calls))
	for id := range lp.calls {
		ids = append(ids, id)
	}
	st := loadStats{Calls: len(lp.calls), Ended: lp.ended}
	lp.mu.Unlock()
	for _, d := range devs {
		ps := d.PaceStats()
		d.ResetWorst()
		st.CapFrames += ps.Capture.Frames
		st.CapLate += ps.Capture.Late
		st.PlayFrames += ps.Playback.Frames
		st.PlayLate += ps.Playback.Late
		st.WorstNs = max(st.WorstNs, int64(ps.Capture.Worst), int64(ps.Playback.Worst))
	}
	for _, id := range ids {
		ms, err := lp.p.CallStats(id)
		if err != nil {
			continue // ended meanwhile: Ended tells
		}
		st.Received += ms.PacketsReceived
		st.Sent += ms.PacketsSent
		st.Lost += ms.Lost
		st.JBLate += ms.Late
		st.Concealed += ms.Concealed
	}
	samples := []metrics.Sample{
		{Name: "/sched/goroutines:goroutines"},
		{Name: "/gc/cycles/total:gc-cycles"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/sched/latencies:seconds"},
		{Name: "/sched/pauses/total/gc:seconds"},
	}
	metrics.Read(samples)
	st.Goroutines = samples[0].Value.Uint64()
	st.GCCycles = samples[1].Value.Uint64()
	st.HeapMB = float64(samples[2].Value.Uint64()) / (1 << 20)
	sched := samples[3].Value.Float64Histogram()
	var over uint64
	st.SchedP99, st.SchedMax, over = loadHistDelta(sched, lp.lastSched, 0.99, 0.010)
	st.SchedOver = over
	pause := samples[4].Value.Float64Histogram()
	_, st.PauseMax, _ = loadHistDelta(pause, lp.lastPause, 0.99, 0)
	lp.lastSched, lp.lastPause = slices.Clone(sched.Counts), slices.Clone(pause.Counts)
	return st
}

// loadHistDelta reads h minus the counts prev (nil: none): the upper bound of
// the bucket holding quantile q and of the highest non-empty bucket, in ms,
// and the count above the bucket boundary at `over` seconds.
func loadHistDelta(h *metrics.Float64Histogram, prev []uint64, q, over float64) (qMs, maxMs float64, above uint64) {
	d := slices.Clone(h.Counts)
	var total uint64
	for i := range d {
		if i < len(prev) {
			d[i] -= prev[i]
		}
		total += d[i]
		if over > 0 && h.Buckets[i] >= over {
			above += d[i]
		}
	}
	if total == 0 {
		return 0, 0, 0
	}
	ms := func(i int) float64 {
		b := h.Buckets[i+1]
		if math.IsInf(b, 1) {
			b = h.Buckets[i]
		}
		return b * 1000
	}
	var cum uint64
	found := false
	for i, c := range d {
		cum += c
		if !found && float64(cum) >= q*float64(total) {
			qMs, found = ms(i), true
		}
		if c > 0 {
			maxMs = ms(i)
		}
	}
	return qMs, maxMs, above
}

func loadCPUProfile(path string, d time.Duration) error {
	if path == "" || d <= 0 {
		return errors.New("profile: path and duration needed")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	time.Sleep(d)
	pprof.StopCPUProfile()
	runtime.GC()
	if err := f.Close(); err != nil {
		return err
	}
	// The heap beside it: what the calls keep (inuse) and make (alloc).
	h, err := os.Create(path + ".heap")
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(h); err != nil {
		h.Close()
		return err
	}
	return h.Close()
}

// loadTrace writes a runtime execution trace of d to path.
func loadTrace(path string, d time.Duration) error {
	if path == "" || d <= 0 {
		return errors.New("trace: path and duration needed")
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := trace.Start(f); err != nil {
		f.Close()
		return err
	}
	time.Sleep(d)
	trace.Stop()
	return f.Close()
}

// sub is a minus b for the counters; the gauges (calls, goroutines, heap,
// worst) are a's.
func (a loadStats) sub(b loadStats) loadStats {
	a.Ended -= b.Ended
	a.CapFrames -= b.CapFrames
	a.CapLate -= b.CapLate
	a.PlayFrames -= b.PlayFrames
	a.PlayLate -= b.PlayLate
	a.Received -= b.Received
	a.Sent -= b.Sent
	a.Lost -= b.Lost
	a.JBLate -= b.JBLate
	a.Concealed -= b.Concealed
	a.GCCycles -= b.GCCycles
	return a
}

// What the bench process reads of a load phone from outside, in /proc.

// capThreads is the number of OS threads of pid (0 if unknown).
func capThreads(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "Threads:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// capSchedStat is how long pid's threads have waited on a run queue and
// how many times they were switched onto a CPU, from
// /proc/<pid>/task/*/schedstat (threads that exited are not counted).
func capSchedStat(pid int) (wait time.Duration, slices int64) {
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) >= 3 {
			ns, _ := strconv.ParseInt(f[1], 10, 64)
			n, _ := strconv.ParseInt(f[2], 10, 64)
			wait += time.Duration(ns)
			slices += n
		}
	}
	return wait, slices
}

// capMachineCPU is the busy CPU time of the whole machine in seconds (all
// cores: user, nice, system, irq, softirq, steal), from /proc/stat.
func capMachineCPU() (float64, error) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, errors.New("/proc/stat: no cpu line")
	}
	var busy float64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		v, _ := strconv.ParseFloat(f[i], 64)
		busy += v
	}
	return busy / 100, nil
}
