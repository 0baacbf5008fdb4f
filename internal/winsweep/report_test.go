package main

import (
	"os/exec"
	"strings"
	"testing"
)

// A test program's -test.v=test2json output as the sweep reads it back
// through `go tool test2json`: counts of top-level tests, the reasons of
// skips, and the output of failures only.
func TestParseEvents(t *testing.T) {
	// As a test program of Go 1.26 prints it.
	raw := strings.Join([]string{
		"\x16=== RUN   TestA",
		"\x16--- PASS: TestA (0.00s)",
		"\x16=== NAME  ",
		"\x16=== RUN   TestB",
		"    b_test.go:9: not under Wine: a gap",
		"\x16--- SKIP: TestB (0.00s)",
		"\x16=== NAME  ",
		"\x16=== RUN   TestC",
		"\x16=== RUN   TestC/one",
		"    c_test.go:3: got 1, want 2",
		"\x16--- FAIL: TestC/one (0.00s)",
		"\x16=== NAME  TestC",
		"\x16=== RUN   TestC/two",
		"\x16--- PASS: TestC/two (0.00s)",
		"\x16=== NAME  TestC",
		"\x16--- FAIL: TestC (0.00s)",
		"\x16=== NAME  ",
		"\x16FAIL",
		"",
	}, "\n")
	conv := exec.Command("go", "tool", "test2json", "-p", "x")
	conv.Stdin = strings.NewReader(raw)
	events, err := conv.Output()
	if err != nil {
		t.Fatalf("test2json: %v", err)
	}
	r := parseEvents(events)
	if r.passed != 1 || r.skipped != 1 || r.failed != 1 {
		t.Errorf("passed %d skipped %d failed %d, want 1 1 1", r.passed, r.skipped, r.failed)
	}
	if len(r.skips) != 1 || r.skips[0].test != "TestB" || r.skips[0].why != "b_test.go:9: not under Wine: a gap" {
		t.Errorf("skips %+v", r.skips)
	}
	f := r.failure(raw)
	if !strings.Contains(f, "c_test.go:3: got 1, want 2") || strings.Contains(f, "TestA") || strings.Contains(f, "TestC/two") {
		t.Errorf("failure output:\n%s", f)
	}
}

// A program that printed nothing test2json frames (it did not start)
// shows its raw output.
func TestFailureWithoutEvents(t *testing.T) {
	var r result
	if got := r.failure("wine: could not load kernel32.dll\n"); got != "wine: could not load kernel32.dll\n" {
		t.Errorf("failure = %q", got)
	}
}
