package cti

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"
)

// hook runs argv with the call's variables in its environment, on a
// goroutine of its own, killed after timeout. Nothing goes through a
// shell and no variable reaches the command line: a caller's name cannot
// become a command. At most MaxHooks run at once; one more is skipped.
func (w *watcher) hook(t Trigger, argv []string, timeout time.Duration, v Vars) {
	select {
	case w.hooks <- struct{}{}:
	default:
		w.log.Warn("cti: hook skipped: too many running", "hook", argv[0], "event", t, "call", v.CallID, "max", MaxHooks)
		return
	}
	env := w.o.Environ
	if env == nil {
		env = os.Environ()
	}
	env = append(slices.Clip(env), v.environ(t)...)
	w.jobs.Add(1)
	go func() {
		defer w.jobs.Done()
		defer func() { <-w.hooks }()
		ctx, cancel := context.WithTimeout(w.run, timeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
		cmd.Env = env
		stderr := &Head{Max: stderrHead}
		cmd.Stderr = stderr
		// A child that keeps stderr open after the hook is killed must
		// not keep us waiting.
		cmd.WaitDelay = hookWaitDelay
		start := time.Now()
		err := cmd.Run()
		attrs := []any{"hook", argv[0], "event", t, "call", v.CallID, "took", time.Since(start).Round(time.Millisecond)}
		switch {
		case err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded):
			w.log.Warn("cti: hook killed: ran out of time", append(attrs, "timeout", timeout, "stderr", stderr.String())...)
		case err != nil && ctx.Err() != nil:
			w.log.Warn("cti: hook killed: the phone is stopping", attrs...)
		case err != nil:
			w.log.Warn("cti: hook failed", append(attrs, "err", err, "stderr", stderr.String())...)
		default:
			w.log.Debug("cti: hook done", attrs...)
		}
	}()
}

// environ is the call's variables as hooks get them. A NUL, which no
// environment can hold, is the one thing dropped from a value.
func (v Vars) environ(t Trigger) []string {
	nul := strings.NewReplacer("\x00", "")
	return []string{
		"SOFTPHONE_EVENT=" + string(t),
		"SOFTPHONE_NUMBER=" + nul.Replace(v.Number),
		"SOFTPHONE_RAW=" + nul.Replace(v.Raw),
		"SOFTPHONE_NAME=" + nul.Replace(v.Name),
		"SOFTPHONE_ACCOUNT=" + nul.Replace(v.Account),
		"SOFTPHONE_CALL_ID=" + nul.Replace(v.CallID),
		"SOFTPHONE_DIRECTION=" + v.Direction,
	}
}

// Head keeps the first Max bytes written to it and takes the rest
// without keeping it, so a chatty command (a hook, the browser opener)
// neither fills memory nor gets EPIPE. Its String is what it kept.
type Head struct {
	Max int

	mu sync.Mutex // guards b: a command's stdout and stderr may share it
	b  []byte
}

func (h *Head) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if n := h.Max - len(h.b); n > 0 {
		h.b = append(h.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

func (h *Head) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.TrimSpace(string(h.b))
}
