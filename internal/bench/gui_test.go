package bench

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

var (
	guiRuns      = flag.Int("bench.guiruns", 7, "GUI start-up runs (BenchmarkGUI)")
	guiCalls     = flag.Int("bench.guicalls", 3, "GUI runs that also call bob to read the in-call RSS")
	linphoneRuns = flag.Int("bench.linphoneruns", 3, "linphone-desktop idle runs, when it is installed")
)

// BenchmarkGUI measures the window's start-up and memory under
// Xvfb when -bench.side is given; without it, it returns at once.
func BenchmarkGUI(b *testing.B) {
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
	bob := testlab.StartBaresip(b, testlab.BaresipOptions{User: "bob", Kamailio: k})
	var s strings.Builder
	for _, f := range guiFigures(b, bin, k, bob) {
		target := f.Target
		if f.Met != nil {
			target += map[bool]string{true: " (met)", false: " (NOT met)"}[*f.Met]
		}
		fmt.Fprintf(&s, "%s: median %s %s [%s–%s] n=%d %s; samples", f.Scenario, num(f.Value.Median), f.Unit,
			num(f.Value.Min), num(f.Value.Max), f.Value.N, target)
		for _, x := range f.Samples {
			s.WriteString(" " + num(x))
		}
		s.WriteByte('\n')
	}
	b.Logf("GUI figures (one line each):\n%s", s.String())
}

// guiFigures runs the real window (bin, registering "alice" on k) under an
// Xvfb of its own: start → first frame and → registered, idle RSS, and the
// RSS in a call to bob placed by typing in the window as a user would. bob
// must answer by itself; its call events are consumed here. When
// linphone-desktop is installed, its idle RSS is measured the same way as a
// comparison.
func guiFigures(tb testing.TB, bin string, k *testlab.Kamailio, bob *testlab.Baresip) []Figure {
	tb.Helper()
	testlab.Require(tb, "xdotool", "xdotool")
	x := startXvfb(tb)
	cfg := aliceConfig(tb, k)
	env := x.env(tb.TempDir()) // a HOME of its own: font index and Mesa shader caches
	data := tb.TempDir()       // history and contacts, kept from run to run as a user's are
	dial, _, _ := strings.Cut(strings.TrimPrefix(bob.AOR, "sip:"), "@")

	// One unmeasured run fills the caches a user's second start finds warm.
	warm := startGUI(tb, bin, env, cfg, data)
	if _, err := warm.wait("window", "first_frame", 30*time.Second); err != nil {
		tb.Fatalf("GUI warm-up: %v", err)
	}
	warm.stop(tb)

	var first, reg, rss, hwm, callRSS []float64
	for i := range *guiRuns {
		g := startGUI(tb, bin, env, cfg, data)
		ff, err := g.wait("window", "first_frame", 20*time.Second)
		if err != nil {
			tb.Fatalf("GUI run %d: %v", i, err)
		}
		r, err := g.wait("registration", "registered", 20*time.Second)
		if err != nil {
			tb.Fatalf("GUI run %d: %v", i, err)
		}
		first, reg = append(first, ms(ff.at.Sub(g.t0))), append(reg, ms(r.at.Sub(g.t0)))
		time.Sleep(time.Until(later(ff.at, r.at).Add(2 * time.Second)))
		m, h, err := procMem(g.cmd.Process.Pid)
		if err != nil {
			tb.Fatal(err)
		}
		rss, hwm = append(rss, m), append(hwm, h)
		if i < *guiCalls {
			callRSS = append(callRSS, g.callRSS(tb, x, bob, dial))
		}
		g.stop(tb)
	}
	figs := []Figure{
		NewFigure("GUI start → first frame", "ms", "exec of `softphone --json --config F --data D` under Xvfb (Mesa llvmpipe, no GPU) → the harness reads the `{\"event\":\"window\",\"state\":\"first_frame\"}` line, printed once the first FrameEvent's frame was rendered and swapped to the window. One unmeasured run first warms the font index and Mesa shader caches.", first, 300, true),
		NewFigure("GUI start → registered", "ms", "the same runs: exec → the `registration` `registered` JSON line (the phone starts while the window opens; includes the 401 challenge).", reg, 0, true),
		NewFigure("GUI RSS idle (registered, window shown)", "MB", "VmRSS of the window process 2 s after both its first frame and its registration (no call yet; the GL driver is Mesa llvmpipe).", rss, 0, true),
		NewFigure("GUI peak RSS idle", "MB", "VmHWM at the same moment.", hwm, 0, true),
		NewFigure("GUI RSS in a call", "MB", fmt.Sprintf("VmRSS of the window process ~5 s after a call to bob connected; the call is placed by typing %q and Return in the window (xdotool), default codecs, no sound card.", dial), callRSS, 0, true),
	}
	if _, err := exec.LookPath("linphone"); err != nil {
		tb.Logf("linphone-desktop is not installed (apt-get install linphone-desktop): no comparison")
		return figs
	}
	if l := linphoneIdle(tb, x, k); len(l) > 0 {
		figs = append(figs, NewFigure("linphone-desktop RSS idle (comparison)", "MB",
			"Debian 12's linphone-desktop 4.4 (Qt Quick) under the same Xvfb, run with `dbus-run-session -- linphone --config F`, account carol on the same Kamailio: VmRSS 2 s after its window is mapped and Kamailio lists its contact; one unmeasured run first warms its caches.", l, 0, true))
	}
	return figs
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// guiProc is a running window and its JSON lines, timed as read.
type guiProc struct {
	*ours
	t0      time.Time // just before the exec
	stopped bool
}

func startGUI(tb testing.TB, bin string, env []string, cfg, data string) *guiProc {
	tb.Helper()
	cmd := exec.Command(bin, "--json", "--config", cfg, "--data", data)
	cmd.Env = env
	g := &guiProc{t0: time.Now()}
	g.ours = startProc(tb, cmd)
	tb.Cleanup(func() { g.stop(tb) })
	return g
}

// stop closes the window with SIGTERM (it unregisters), then kills it.
func (g *guiProc) stop(tb testing.TB) {
	if g.stopped {
		return
	}
	g.stopped = true
	_ = g.cmd.Process.Signal(syscall.SIGTERM)
	if err := g.finish(10 * time.Second); err != nil {
		tb.Logf("the window's exit: %v", err)
	}
}

// callRSS types the callee into the focused window, reads the VmRSS ~5 s
// after the call connects, and hangs up with Escape.
func (g *guiProc) callRSS(tb testing.TB, x *xvfb, bob *testlab.Baresip, dial string) float64 {
	tb.Helper()
	win := strings.Fields(x.xdotool(tb, "search", "--sync", "--onlyvisible", "--name", "Softphone"))[0]
	x.xdotool(tb, "windowfocus", "--sync", win) // no window manager
	x.xdotool(tb, "mousemove", "--window", win, "5", "5")
	x.xdotool(tb, "type", "--delay", "30", dial)
	x.xdotool(tb, "key", "Return")
	c, err := g.wait("call", "connected", 20*time.Second)
	if err != nil {
		tb.Fatalf("GUI call to %s: %v", dial, err)
	}
	time.Sleep(time.Until(c.at.Add(5 * time.Second)))
	rss, _, err := procMem(g.cmd.Process.Pid)
	if err != nil {
		tb.Fatal(err)
	}
	x.xdotool(tb, "key", "Escape")
	if _, err := g.wait("call", "ended", 15*time.Second); err != nil {
		tb.Fatalf("GUI hang-up: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, typ := range []string{"CALL_ESTABLISHED", "CALL_CLOSED"} {
		if _, err := bob.WaitEvent(ctx, typ); err != nil {
			tb.Fatalf("bob: %v", err)
		}
	}
	return rss
}

// linphoneIdle runs linphone-desktop registered as carol: VmRSS 2 s after
// its window is mapped and Kamailio lists it, over linphoneRuns runs after a
// warm-up. Nothing is returned if it cannot run here (logged).
func linphoneIdle(tb testing.TB, x *xvfb, k *testlab.Kamailio) []float64 {
	tb.Helper()
	if _, err := exec.LookPath("dbus-run-session"); err != nil {
		tb.Logf("linphone needs a D-Bus session bus and dbus-run-session is missing: no comparison")
		return nil
	}
	env := x.env(tb.TempDir())
	var out []float64
	for i := -1; i < *linphoneRuns; i++ { // run -1 warms the caches
		rss, err := linphoneOnce(tb, env, k)
		if err != nil {
			tb.Logf("linphone-desktop run %d: %v: no comparison", i, err)
			return nil
		}
		if i >= 0 {
			out = append(out, rss)
		}
	}
	return out
}

func linphoneOnce(tb testing.TB, env []string, k *testlab.Kamailio) (float64, error) {
	dir := tb.TempDir()
	rc := filepath.Join(dir, "linphonerc")
	conf := fmt.Sprintf("[sip]\nsip_port=-1\nsip_tcp_port=-1\nsip_tls_port=-1\ndefault_proxy=0\n\n[rtp]\naudio_rtp_port=27000-27999\nvideo_rtp_port=28000-28999\n\n"+
		"[video]\nautomatically_initiate=0\nautomatically_accept=0\ncapture=0\ndisplay=0\n\n"+
		"[proxy_0]\nreg_proxy=<sip:%s;transport=udp>\nreg_identity=sip:carol@%s\nreg_expires=60\nreg_sendregister=1\npublish=0\n\n"+
		"[auth_info_0]\nusername=carol\npasswd=carol-secret\nrealm=%s\ndomain=%s\n", k.UDPAddr, k.Domain, k.Domain, k.Domain)
	if err := os.WriteFile(rc, []byte(conf), 0o600); err != nil {
		return 0, err
	}
	before, _ := k.Contacts("carol")
	cmd := exec.Command("dbus-run-session", "--", "linphone", "--config", rc)
	cmd.Env = env
	inGroup(cmd)
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		return 0, err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	defer func() {
		if pid, err := childNamed(cmd.Process.Pid, "linphone"); err == nil {
			terminate(pid)
		}
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			killGroup(cmd.Process.Pid) // the group we started
			<-done
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if _, err := xdotoolCtx(ctx, env, "search", "--sync", "--onlyvisible", "--name", "^Linphone$"); err != nil {
		return 0, fmt.Errorf("no window: %v\n%s", err, tail(log.String()))
	}
	for {
		now, _ := k.Contacts("carol")
		if len(now) > len(before) {
			break
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("never registered\n%s", tail(log.String()))
		case <-done:
			return 0, fmt.Errorf("exited\n%s", tail(log.String()))
		case <-time.After(50 * time.Millisecond):
		}
	}
	time.Sleep(2 * time.Second)
	pid, err := childNamed(cmd.Process.Pid, "linphone")
	if err != nil {
		return 0, err
	}
	rss, _, err := procMem(pid)
	return rss, err
}

// childNamed finds the child of parent whose command is name.
func childNamed(parent int, name string) (int, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%d/children", parent, parent))
	if err != nil {
		return 0, err
	}
	for f := range strings.FieldsSeq(string(b)) {
		pid, _ := strconv.Atoi(f)
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
		if strings.TrimSpace(string(comm)) == name {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no %s child of %d", name, parent)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "..." + s[len(s)-2000:]
	}
	return s
}

// xvfb is an X server of the benchmark's own.
type xvfb struct{ display string }

// startXvfb starts Xvfb on the first free display from :150 (the GUI tests
// use :90 up); it is stopped when tb ends.
func startXvfb(tb testing.TB) *xvfb { return &xvfb{display: testlab.StartXvfb(tb, 150)} }

// env is the environment of a program on this display, with home as HOME
// and a private XDG_RUNTIME_DIR.
func (x *xvfb) env(home string) []string {
	run := filepath.Join(home, "run")
	_ = os.Mkdir(run, 0o700)
	keep := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		return k == "DISPLAY" || k == "HOME" || k == "XDG_RUNTIME_DIR" || k == "WAYLAND_DISPLAY" || k == "XDG_CACHE_HOME" || k == "XDG_CONFIG_HOME" || k == "XDG_DATA_HOME"
	})
	return append(keep, "DISPLAY="+x.display, "HOME="+home, "XDG_RUNTIME_DIR="+run)
}

func (x *xvfb) xdotool(tb testing.TB, args ...string) string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := xdotoolCtx(ctx, append(os.Environ(), "DISPLAY="+x.display), args...)
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

func xdotoolCtx(ctx context.Context, env []string, args ...string) (string, error) {
	c := exec.CommandContext(ctx, "xdotool", args...)
	c.Env = env
	var stderr strings.Builder
	c.Stderr = &stderr
	out, err := c.Output()
	if err != nil {
		return "", fmt.Errorf("xdotool %s: %w: %s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}
