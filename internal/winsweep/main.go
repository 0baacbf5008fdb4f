// Command winsweep runs the tests of every package on Windows, under
// Debian's Wine: each package's tests are cross-built with mingw-w64 as
// `make windows` builds the program (plus testlab's Wine 8.0 overlay)
// and run in one private Wine prefix from the package's directory. It
// prints each package's passed and skipped tests and its times, and the
// output of every package that fails; it exits 1 if one does.
//
// It is a program rather than a test so that `go test ./...` does not
// run it a second time inside the Linux run (or skip it there): `make
// test-windows` runs it, and `make test` runs that.
//
//	go run ./internal/winsweep [-run REGEXP] [-v] [-short] [-count N]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"time"
)

func main() {
	// Wine makes a file's access list from its Unix mode: with umask 077
	// the files the tests create are the user's alone, as a Windows
	// profile's are, and the checks of private files (the API token) see
	// what they would on Windows.
	privateFiles()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout)
	stop()
	os.Exit(code)
}

// options are the command line's.
type options struct {
	match      *regexp.Regexp // packages to run (relative paths), all if nil
	buildJobs  int            // test builds at a time
	runJobs    int            // packages under Wine at a time
	timeout    time.Duration  // one package's run
	short      bool           // -test.short
	count      int            // -test.count
	verbose    bool           // every skipped test and why
	keep       bool           // keep the work directory (the exes, the prefix)
	exclusions map[string]string
}

func parseOptions(args []string, errOut io.Writer) (options, error) {
	fs := flag.NewFlagSet("winsweep", flag.ContinueOnError)
	fs.SetOutput(errOut)
	run := fs.String("run", "", "only the packages whose path (relative to the module) matches this regexp")
	o := options{exclusions: notOnWindows}
	fs.IntVar(&o.buildJobs, "build-jobs", 2, "test builds at a time")
	fs.IntVar(&o.runJobs, "run-jobs", 1, "packages run under Wine at a time (more make the timing tests miss their marks)")
	fs.DurationVar(&o.timeout, "timeout", 5*time.Minute, "a package's run")
	fs.BoolVar(&o.short, "short", false, "run the tests with -test.short")
	fs.IntVar(&o.count, "count", 1, "run each test this many times (-test.count), to find a flaky one")
	fs.BoolVar(&o.verbose, "v", false, "list every skipped test with its reason")
	fs.BoolVar(&o.keep, "keep", false, "keep the work directory")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("winsweep: unexpected arguments %q", fs.Args())
	}
	if *run != "" {
		re, err := regexp.Compile(*run)
		if err != nil {
			return o, fmt.Errorf("winsweep: -run: %w", err)
		}
		o.match = re
	}
	if o.buildJobs < 1 || o.runJobs < 1 || o.count < 1 {
		return o, fmt.Errorf("winsweep: -build-jobs, -run-jobs and -count must be at least 1")
	}
	return o, nil
}

// run is main with its exit code: 0 when every package passed (or the
// tools are missing outside CI), 1 when one failed, 2 on bad usage.
func run(ctx context.Context, args []string, out io.Writer) int {
	o, err := parseOptions(args, out)
	if err != nil {
		if err != flag.ErrHelp {
			fmt.Fprintln(out, err)
		}
		return 2
	}
	if missing := missingTools(); missing != "" {
		// As testlab.Require: CI must run everything.
		if os.Getenv("CI") == "true" {
			fmt.Fprintf(out, "winsweep: %s\n", missing)
			return 1
		}
		fmt.Fprintf(out, "winsweep: skipped: %s\n", missing)
		return 0
	}
	if err := sweep(ctx, o, out); err != nil {
		fmt.Fprintln(out, err)
		return 1
	}
	return 0
}

// missingTools names what the sweep needs and the machine lacks.
func missingTools() string {
	for _, t := range []struct{ bin, pkg string }{
		{"wine", "wine wine64"}, {"wineserver", "wine64"}, {"x86_64-w64-mingw32-gcc", "gcc-mingw-w64-x86-64"},
	} {
		if _, err := exec.LookPath(t.bin); err != nil {
			return t.bin + " not found on PATH; install with: apt-get install " + t.pkg
		}
	}
	return ""
}
