package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/store"
)

// runStoreCmd runs a history/contacts command in-process.
func runStoreCmd(t *testing.T, cmd func(context.Context, []string, io.Writer, io.Writer) int, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := cmd(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// historyDir is a data directory with an answered outgoing call to a
// contact and a missed incoming call.
func historyDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	s, err := store.OpenDir(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ada := store.Contact{Name: "Ada Lovelace", Numbers: []store.Number{{Value: "+44 20 7946 0958"}}}
	if err := s.SaveContact(ctx, &ada); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now().Add(-time.Hour)
	for _, i := range []call.Info{
		{ID: "out", Direction: call.Outgoing, Account: "work", Remote: call.Party{URI: "sip:+442079460958@pbx"},
			State: call.Ended, Codec: "opus", Encryption: call.EncryptionSRTP, Reason: "hung up", Started: t0, Answered: t0.Add(2 * time.Second), EndedAt: t0.Add(65 * time.Second),
			Recording: "/rec/2026_ada.wav"},
		{ID: "missed", Direction: call.Inbound, Remote: call.Party{URI: "sip:bob@pbx", DisplayName: "Bob"},
			State: call.Ended, Reason: "cancelled by caller", Code: 487, Started: t0.Add(time.Minute), EndedAt: t0.Add(80 * time.Second)},
	} {
		if err := s.RecordCall(ctx, i); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestHistoryCommandLists(t *testing.T) {
	dir := historyDir(t)
	code, out, errs := runStoreCmd(t, cmdHistory, "--data", dir)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"1 missed call not seen yet", "✗ missed", "Bob <sip:bob@pbx>", "cancelled by caller (487)",
		"↗ out", "Ada Lovelace <sip:+442079460958@pbx>", "1:03", "opus srtp; recorded: /rec/2026_ada.wav", time.Now().Add(-time.Hour).Format("Mon 2 Jan 2006")} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.Contains(line, "Bob") && (strings.Contains(line, "srtp") || strings.Contains(line, "none")) {
			t.Errorf("encryption shown on a call without it: %q", line)
		}
	}
	if strings.Index(out, "Bob") > strings.Index(out, "Ada") {
		t.Errorf("not newest first:\n%s", out)
	}
}

func TestHistoryCommandJSONMissedLimitAndSeen(t *testing.T) {
	dir := historyDir(t)
	code, out, _ := runStoreCmd(t, cmdHistory, "--json", "--data", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 2 {
		t.Fatalf("exit %d, %d lines:\n%s", code, len(lines), out)
	}
	var first map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if _, ok := first["encryption"]; ok || first["call_id"] != "missed" || first["missed"] != true || first["code"] != float64(487) || first["seen"] != false {
		t.Fatalf("first entry %v", first)
	}
	var second map[string]any
	json.Unmarshal([]byte(lines[1]), &second)
	if second["contact"] != "Ada Lovelace" || second["duration_s"] != float64(63) || second["codec"] != "opus" || second["encryption"] != "srtp" {
		t.Fatalf("second entry %v", second)
	}
	if _, out, _ := runStoreCmd(t, cmdHistory, "--data", dir, "--limit", "1", "--json"); strings.Count(out, "\n") != 1 {
		t.Fatalf("--limit 1:\n%s", out)
	}
	if _, out, _ := runStoreCmd(t, cmdHistory, "--missed", "--data", dir, "--json"); strings.Count(out, "\n") != 1 || !strings.Contains(out, `"missed":true`) {
		t.Fatalf("--missed:\n%s", out)
	}
	if code, _, _ := runStoreCmd(t, cmdHistory, "--data", dir, "--mark-seen"); code != exitOK {
		t.Fatal(code)
	}
	if _, out, _ := runStoreCmd(t, cmdHistory, "--data", dir); strings.Contains(out, "not seen") {
		t.Fatalf("still counted after --mark-seen:\n%s", out)
	}
	if code, _, _ := runStoreCmd(t, cmdHistory, "--data", dir, "--limit", "-1"); code != exitUsage {
		t.Fatalf("--limit -1: exit %d", code)
	}
	if code, _, _ := runStoreCmd(t, cmdHistory, "--data", dir, "bogus"); code != exitUsage {
		t.Fatalf("unknown argument: exit %d", code)
	}
}

func TestHistoryCommandDeleteAndClear(t *testing.T) {
	dir := historyDir(t)
	_, out, _ := runStoreCmd(t, cmdHistory, "--data", dir, "--json", "--missed")
	var c struct{ ID int64 }
	if err := json.Unmarshal([]byte(out), &c); err != nil || c.ID == 0 {
		t.Fatalf("%q: %v", out, err)
	}
	if code, out, errs := runStoreCmd(t, cmdHistory, "delete", strconv.FormatInt(c.ID, 10), "--data", dir); code != exitOK {
		t.Fatalf("delete: %d %s %s", code, out, errs)
	}
	if _, out, _ := runStoreCmd(t, cmdHistory, "--data", dir, "--json"); strings.Count(out, "\n") != 1 {
		t.Fatalf("after delete:\n%s", out)
	}
	if code, _, _ := runStoreCmd(t, cmdHistory, "delete", "999", "--data", dir); code != exitFailed {
		t.Fatalf("deleting a missing entry: exit %d", code)
	}
	if code, _, _ := runStoreCmd(t, cmdHistory, "delete", "x", "--data", dir); code != exitUsage {
		t.Fatalf("deleting a bad ID: exit %d", code)
	}
	if code, out, _ := runStoreCmd(t, cmdHistory, "clear", "--data", dir); code != exitOK || !strings.Contains(out, "cleared") {
		t.Fatalf("clear: %d %s", code, out)
	}
	if _, out, _ := runStoreCmd(t, cmdHistory, "--data", dir); !strings.Contains(out, "no calls") {
		t.Fatalf("after clear:\n%s", out)
	}
}

func TestHistoryCommandOnACorruptDatabase(t *testing.T) {
	dir := t.TempDir()
	junk := make([]byte, 8192)
	rand.Read(junk)
	if err := os.WriteFile(filepath.Join(dir, store.FileName), junk, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runStoreCmd(t, cmdHistory, "--data", dir)
	if code != exitOK || !strings.Contains(out, "no calls") || !strings.Contains(errs, "moved to") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
	}
	if moved, _ := filepath.Glob(filepath.Join(dir, store.FileName+".corrupt-*")); len(moved) != 1 {
		t.Fatalf("moved aside: %v", moved)
	}
}
