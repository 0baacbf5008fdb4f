package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// result is what one package's test2json events say.
type result struct {
	passed, skipped, failed int      // top-level tests
	skips                   []skip   // top-level and subtests
	failures                []string // the output of each failed test, in order
	pkgOutput               string   // output outside any test (panics, FAIL lines)
}

type skip struct{ test, why string }

type event struct {
	Action string
	Test   string
	Output string
}

// parseEvents reads the events of `go tool test2json`.
func parseEvents(b []byte) result {
	var r result
	out := map[string]*strings.Builder{}
	var pkgOut strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		if e.Test == "" {
			if e.Action == "output" {
				pkgOut.WriteString(e.Output)
			}
			continue
		}
		top := !strings.Contains(e.Test, "/")
		switch e.Action {
		case "output":
			if out[e.Test] == nil {
				out[e.Test] = &strings.Builder{}
			}
			out[e.Test].WriteString(e.Output)
		case "pass":
			if top {
				r.passed++
			}
		case "skip":
			if top {
				r.skipped++
			}
			r.skips = append(r.skips, skip{e.Test, skipReason(text(out[e.Test]))})
		case "fail":
			if top {
				r.failed++
			}
			r.failures = append(r.failures, text(out[e.Test]))
		}
	}
	r.pkgOutput = pkgOut.String()
	return r
}

func text(b *strings.Builder) string {
	if b == nil {
		return ""
	}
	return b.String()
}

// skipReason is the message of a skipped test's output: its lines but
// the === and --- framing.
func skipReason(out string) string {
	var why []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		why = append(why, t)
	}
	return strings.Join(why, " ")
}

// failure is what to show of a failed package: its failed tests' output
// and what it printed outside them; raw, the whole output, when the
// events hold neither (the program did not start, or died unframed).
func (r result) failure(raw string) string {
	s := strings.Join(r.failures, "") + r.pkgOutput
	if strings.TrimSpace(s) == "" {
		s = raw
	}
	const max = 20000
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return s
}

func printOutcome(w io.Writer, oc outcome, verbose bool) {
	status := "ok  "
	if oc.err != nil {
		status = "FAIL"
	}
	fmt.Fprintf(w, "%s %-28s %3d passed %3d skipped   build %5.1fs  run %5.1fs\n",
		status, oc.name(), oc.res.passed, oc.res.skipped, oc.build.Seconds(), oc.run.Seconds())
	if verbose {
		for _, s := range oc.res.skips {
			fmt.Fprintf(w, "     skip %s: %s\n", s.test, s.why)
		}
	}
	if oc.err != nil {
		fmt.Fprintf(w, "--- %s: %v\n%s\n", oc.name(), oc.err, strings.TrimRight(oc.out, "\n"))
	}
}

// summarize prints the totals and the failed packages; an error if one
// failed.
func summarize(w io.Writer, all []outcome, took time.Duration) error {
	var passed, skipped int
	var build, run time.Duration
	var failed []string
	for _, oc := range all {
		passed += oc.res.passed
		skipped += oc.res.skipped
		build += oc.build
		run += oc.run
		if oc.err != nil {
			failed = append(failed, oc.name())
		}
	}
	slices.Sort(failed)
	fmt.Fprintf(w, "%d packages under Wine: %d tests passed, %d skipped; %d failed packages; "+
		"%v in all (builds %v, runs %v, summed)\n",
		len(all), passed, skipped, len(failed), took.Round(time.Second), build.Round(time.Second), run.Round(time.Second))
	if len(failed) > 0 {
		return fmt.Errorf("winsweep: failed under Wine: %s", strings.Join(failed, " "))
	}
	return nil
}
