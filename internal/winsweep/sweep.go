package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/softphone/softphone/internal/testlab"
	"github.com/softphone/softphone/internal/wine"
)

// notOnWindows are the packages whose tests are not built for Windows,
// and why. Everything else is: a test that cannot run there says so
// itself (a skip with its reason).
var notOnWindows = map[string]string{
	"core/video/vp8":    "libvpx is not cross-built for mingw: the Windows build has no VP8",
	"core/video/h264":   "openh264 is not cross-built for mingw: the Windows build has no H.264",
	"core/videosession": "its tests encode and decode VP8 and H.264, which the Windows build has not",
	"internal/winsweep": "it runs the others",
}

// pkg is one package of the module with tests.
type pkg struct {
	rel string // path relative to the module ("" for its root)
	dir string
}

func (p pkg) name() string {
	if p.rel == "" {
		return "."
	}
	return p.rel
}

// outcome is what became of one package.
type outcome struct {
	pkg
	build, run time.Duration
	res        result
	err        error  // the build or the run failed
	out        string // what to show for err
}

// sweep builds and runs every package's tests, printing as it goes.
func sweep(ctx context.Context, o options, out io.Writer) error {
	start := time.Now()
	repo, err := goOutput(ctx, "", nil, "list", "-m", "-f", "{{.Dir}}")
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "winsweep-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(out, "work directory: %s\n", work)
	} else {
		defer os.RemoveAll(work)
	}
	env, overlay, err := testlab.WindowsToolchain(repo, work)
	if err != nil {
		return err
	}
	pkgs, err := listPackages(ctx, repo, env, o, out)
	if err != nil {
		return err
	}
	// The prefix starts while the packages build.
	type started struct {
		w   *testlab.Wine
		err error
	}
	prefix := make(chan started, 1)
	go func() {
		w, err := testlab.NewWine(ctx, filepath.Join(work, "prefix"), repo)
		prefix <- started{w, err}
	}()

	// All builds first, then the runs: a test that keeps time (audio
	// pacing, jitter, a conference's mix) fails when a build takes the
	// CPU from under it, and a cold build takes minutes.
	builds := make([]outcome, len(pkgs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, o.buildJobs)
	for i, p := range pkgs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			builds[i] = buildTests(ctx, repo, env, overlay, work, p)
		})
	}
	wg.Wait()
	fmt.Fprintf(out, "%d test programs built after %v\n", len(builds), time.Since(start).Round(100*time.Millisecond))

	pw := <-prefix
	if pw.err != nil {
		return fmt.Errorf("winsweep: the Wine prefix: %w", pw.err)
	}
	defer pw.w.Close()

	done := make(chan outcome)
	go func() {
		defer close(done)
		var wg sync.WaitGroup
		sem := make(chan struct{}, o.runJobs)
		for _, oc := range builds {
			if oc.err != nil {
				done <- oc
				continue
			}
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				done <- runTests(ctx, pw.w, o, work, oc)
			})
		}
		wg.Wait()
	}()
	var all []outcome
	for oc := range done {
		all = append(all, oc)
		printOutcome(out, oc, o.verbose)
	}
	return summarize(out, all, time.Since(start))
}

// listPackages lists the module's packages that have tests on Windows.
func listPackages(ctx context.Context, repo string, env []string, o options, out io.Writer) ([]pkg, error) {
	list, err := goOutput(ctx, repo, env, "list", "-tags", "nolibopusfile",
		"-f", "{{.ImportPath}}\t{{.Dir}}\t{{len .TestGoFiles}}\t{{len .XTestGoFiles}}", "./...")
	if err != nil {
		return nil, err
	}
	mod, err := goOutput(ctx, repo, nil, "list", "-m")
	if err != nil {
		return nil, err
	}
	var pkgs []pkg
	for _, line := range strings.Split(list, "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			continue
		}
		p := pkg{rel: strings.TrimPrefix(strings.TrimPrefix(f[0], mod), "/"), dir: f[1]}
		if f[2] == "0" && f[3] == "0" {
			continue // no tests on Windows
		}
		if o.match != nil && !o.match.MatchString(p.rel) {
			continue
		}
		if why, ok := o.exclusions[p.rel]; ok {
			fmt.Fprintf(out, "not on Windows: %s: %s\n", p.name(), why)
			continue
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, errors.New("winsweep: no package to test")
	}
	return pkgs, nil
}

// buildTests cross-builds p's test program.
func buildTests(ctx context.Context, repo string, env []string, overlay, work string, p pkg) outcome {
	oc := outcome{pkg: p}
	start := time.Now()
	exe := exePath(work, p)
	cmd := exec.CommandContext(ctx, "go", "test", "-c", "-overlay", overlay, "-tags", "nolibopusfile",
		"-o", exe, "./"+p.rel)
	cmd.Dir, cmd.Env = repo, env
	b, err := cmd.CombinedOutput()
	oc.build = time.Since(start)
	if err != nil {
		oc.err, oc.out = fmt.Errorf("build: %w", err), string(b)
	}
	return oc
}

func exePath(work string, p pkg) string {
	name := strings.ReplaceAll(p.rel, "/", "_")
	if name == "" {
		name = "root"
	}
	return filepath.Join(work, name+".test.exe")
}

// runTests runs oc's test program under Wine from the package's
// directory (tests read their testdata relative to it).
func runTests(ctx context.Context, w *testlab.Wine, o options, work string, oc outcome) outcome {
	ctx, cancel := context.WithTimeout(ctx, o.timeout+30*time.Second)
	defer cancel()
	args := []string{"-test.v=test2json", "-test.timeout=" + o.timeout.String(), "-test.count=" + strconv.Itoa(o.count)}
	if o.short {
		args = append(args, "-test.short")
	}
	// CI stays out: CI=true turns a missing capability into a failure,
	// and under Wine some are missing by nature (a GPU device without a
	// display, unix sockets in Wine 8.0, packet capture): those tests
	// skip and say why (-v lists them).
	cmd := w.Command(ctx, []string{"CI=", wine.EnvSweep + "=1"}, exePath(work, oc.pkg), args...)
	cmd.Dir = oc.dir
	// Output to a file, not a pipe: a program the tests start in the
	// prefix (Wine's own services among them) can outlive the test
	// program holding the pipe, and the run would wait for it.
	log := strings.TrimSuffix(exePath(work, oc.pkg), ".exe") + ".out"
	f, err := os.Create(log)
	if err != nil {
		oc.err = err
		return oc
	}
	defer f.Close()
	cmd.Stdout, cmd.Stderr = f, f
	start := time.Now()
	runErr := cmd.Run()
	oc.run = time.Since(start)
	raw, err := os.ReadFile(log)
	if err != nil {
		oc.err = err
		return oc
	}
	conv := exec.CommandContext(ctx, "go", "tool", "test2json", "-p", oc.name())
	conv.Stdin = bytes.NewReader(raw)
	events, err := conv.Output()
	if err != nil {
		oc.err, oc.out = fmt.Errorf("test2json: %w", err), string(raw)
		return oc
	}
	oc.res = parseEvents(events)
	switch {
	case runErr != nil:
		oc.err, oc.out = fmt.Errorf("run: %w", runErr), oc.res.failure(string(raw))
	case oc.res.failed > 0:
		oc.err, oc.out = errors.New("a test failed with exit status 0"), oc.res.failure(string(raw))
	}
	return oc
}

// goOutput runs the go command and returns its trimmed output.
func goOutput(ctx context.Context, dir string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir, cmd.Env = dir, env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("winsweep: go %s: %w\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return strings.TrimSpace(string(b)), nil
}
