package cti

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/config"
)

// script writes an executable bash script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash here")
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/bash\n"+body), 0o700); err != nil {
		t.Fatal(err)
	}
	return p
}

// readNUL reads a file of NUL-terminated strings.
func readNUL(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("the hook did not write %s: %v", filepath.Base(path), err)
	}
	return strings.Split(strings.TrimSuffix(string(b), "\x00"), "\x00")
}

// TestHookEnvironment runs a real script through exec and reads back its
// environment and arguments: the call's values arrive verbatim, over the
// base environment, and nothing in them is interpreted, however hostile
// the caller's display name.
func TestHookEnvironment(t *testing.T) {
	dir := t.TempDir()
	pwned := filepath.Join(dir, "pwned")
	hostile := "Eve\"; touch " + pwned + "; echo '$(touch " + pwned + ")' `touch " + pwned + "`\n$HOME ${PATH} \\ % {name}"
	hook := script(t, dir, "hook.sh", `env -0 > "$OUT/$SOFTPHONE_EVENT.env"
printf '%s\0' "$@" > "$OUT/$SOFTPHONE_EVENT.args"
`)
	cfg := config.Config{Accounts: []config.Account{{Name: "work", CTI: config.CTI{
		OnRing: []string{hook, "$SOFTPHONE_NAME", "$(id)", "a b"}, OnMissed: []string{hook}, CountryCode: "44"}}}}
	r := startWatch(t, cfg, Options{Environ: []string{"OUT=" + dir, "PATH=" + os.Getenv("PATH"), "SOFTPHONE_NAME=stale"}})
	i := incoming("c-1", call.Incoming)
	i.Account = "work"
	i.Remote = call.Party{DisplayName: hostile, URI: "sip:020%207946;x=$(id)@example.com"}
	r.send(i, ended(i, "remote hung up"))
	r.stop()

	if _, err := os.Stat(pwned); err == nil {
		t.Fatal("the display name ran a command")
	}
	for event, want := range map[string]map[string]string{"ring": {}, "missed": {}} {
		env := map[string]string{}
		for _, kv := range readNUL(t, filepath.Join(dir, event+".env")) {
			k, v, _ := strings.Cut(kv, "=")
			env[k] = v
		}
		want["SOFTPHONE_EVENT"] = event
		want["SOFTPHONE_NAME"] = hostile
		want["SOFTPHONE_NUMBER"] = "+44207946"
		want["SOFTPHONE_RAW"] = "020%207946;x=$(id)"
		want["SOFTPHONE_ACCOUNT"] = "work"
		want["SOFTPHONE_CALL_ID"] = "c-1"
		want["SOFTPHONE_DIRECTION"] = "incoming"
		want["OUT"] = dir
		for k, v := range want {
			if env[k] != v {
				t.Errorf("%s hook: %s = %q, want %q", event, k, env[k], v)
			}
		}
	}
	if got, want := readNUL(t, filepath.Join(dir, "ring.args")), []string{"$SOFTPHONE_NAME", "$(id)", "a b"}; !slices.Equal(got, want) {
		t.Errorf("ring hook's arguments %q, want %q verbatim", got, want)
	}
	if n := r.log.count("hook done"); n != 2 {
		t.Errorf("%d hooks done, want 2:\n%s", n, r.log)
	}
}

func TestHookEnvironDropsNUL(t *testing.T) {
	env := Vars{Name: "a\x00b", Direction: "incoming"}.environ(Ring)
	if !slices.Contains(env, "SOFTPHONE_NAME=ab") || !slices.Contains(env, "SOFTPHONE_EVENT=ring") {
		t.Errorf("environ = %q", env)
	}
}

// TestHookFailureAndTimeout: a failing hook's status and the start of its
// stderr are logged; a hook past its timeout is killed.
func TestHookFailureAndTimeout(t *testing.T) {
	dir := t.TempDir()
	fail := script(t, dir, "fail.sh", "echo 'no such customer' >&2\nhead -c 5000 /dev/zero | tr '\\0' x >&2\nexit 3\n")
	slow := script(t, dir, "slow.sh", "echo started >&2\nexec sleep 60\n")
	cfg := config.Config{CTI: config.CTI{OnRing: []string{fail}, OnHangup: []string{slow}, HookTimeout: 1}}
	r := startWatch(t, cfg, Options{Drain: 30e9})
	r.send(incoming("c1", call.Incoming), ended(incoming("c1", call.Incoming), "remote hung up"))
	r.stop()
	log := r.log.String()
	for _, s := range []string{"hook failed", "exit status 3", "no such customer", "hook killed: ran out of time", "timeout=1s", "started"} {
		if !strings.Contains(log, s) {
			t.Errorf("log lacks %q:\n%s", s, log)
		}
	}
	if strings.Contains(log, strings.Repeat("x", stderrHead)) {
		t.Errorf("more than %d bytes of stderr logged", stderrHead)
	}
}

// TestHookLimit: with MaxHooks running, the next is skipped and logged;
// stopping the watch kills those still running.
func TestHookLimit(t *testing.T) {
	dir := t.TempDir()
	slow := script(t, dir, "slow.sh", "exec sleep 60\n")
	r := startWatch(t, config.Config{CTI: config.CTI{OnRing: []string{slow}, HookTimeout: 120}}, Options{Drain: 1})
	for i := range MaxHooks + 2 {
		r.send(incoming(string(rune('a'+i)), call.Incoming))
	}
	r.stop()
	if n := r.log.count("hook skipped: too many running"); n != 2 {
		t.Errorf("%d hooks skipped, want 2:\n%s", n, r.log)
	}
	if n := r.log.count("hook killed: the phone is stopping"); n != MaxHooks {
		t.Errorf("%d hooks killed at stop, want %d:\n%s", n, MaxHooks, r.log)
	}
}
