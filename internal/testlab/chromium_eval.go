package testlab

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JSError is an exception the page's JavaScript threw, or a promise it
// rejected, while Eval ran an expression.
type JSError struct {
	Message string // as the console shows it, e.g. "ReferenceError: x is not defined\n    at <anonymous>:1:1"
}

func (e *JSError) Error() string { return "javascript: " + e.Message }

// Default bounds for a caller's context without a deadline: a test waits
// for nothing forever.
const (
	evalTimeout    = 10 * time.Second
	waitForTimeout = 30 * time.Second
	waitForPoll    = 10 * time.Millisecond
)

// Eval evaluates expr in the page (a promise is awaited) and returns its
// value as a string: a string as itself, anything else as JSON ("2",
// "null", `{"a":1}`), and what JSON cannot hold as JavaScript writes it
// ("undefined", "NaN", "10n"). An exception thrown by expr is a *JSError.
// Without a deadline on ctx, it gives up after 10 s.
func (b *Browser) Eval(ctx context.Context, expr string) (string, error) {
	ctx, cancel := withDefaultTimeout(ctx, evalTimeout)
	defer cancel()
	var res struct {
		Result           remoteObject      `json:"result"`
		ExceptionDetails *exceptionDetails `json:"exceptionDetails"`
	}
	params := map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}
	if err := b.cdp.call(ctx, "Runtime.evaluate", params, &res); err != nil {
		return "", b.withStderr(err)
	}
	if res.ExceptionDetails != nil {
		return "", &JSError{Message: res.ExceptionDetails.message()}
	}
	return res.Result.String(), nil
}

// WaitFor evaluates expr every 10 ms until its value is truthy as a
// string: not "", "null", "false" or "undefined"; it returns that value.
// A JavaScript exception does not end the wait (the element it reads may
// not be there yet); ctx's end does, with the last value or exception in
// the error. Without a deadline on ctx, it gives up after 30 s.
func (b *Browser) WaitFor(ctx context.Context, expr string) (string, error) {
	ctx, cancel := withDefaultTimeout(ctx, waitForTimeout)
	defer cancel()
	tick := time.NewTicker(waitForPoll)
	defer tick.Stop()
	last := "no evaluation"
	for {
		v, err := b.Eval(ctx, expr)
		var jsErr *JSError
		switch {
		case err == nil && truthy(v):
			return v, nil
		case err == nil:
			last = fmt.Sprintf("last value %q", v)
		case errors.As(err, &jsErr):
			last = "last " + err.Error()
		case ctx.Err() == nil:
			return "", fmt.Errorf("waiting for %s: %w", expr, err)
		}
		select {
		case <-ctx.Done():
			return "", fmt.Errorf("waiting for %s: %w (%s)", expr, ctx.Err(), last)
		case <-tick.C:
		}
	}
}

func truthy(v string) bool {
	switch v {
	case "", "null", "false", "undefined":
		return false
	}
	return true
}

// withStderr adds the tail of chromium's output to err when chromium has
// gone: why it went is there.
func (b *Browser) withStderr(err error) error {
	if !b.gone() {
		return err
	}
	return fmt.Errorf("%w (chromium exited: %v)\n--- chromium stderr ---\n%s", err, b.cmd.ProcessState, tail(b.stderr.String(), 4000))
}

// gone says whether chromium has exited. A lost connection is usually the
// first sign of an exit, so the exit is then given a second to show.
func (b *Browser) gone() bool {
	select {
	case <-b.exited:
		return true
	default:
	}
	select {
	case <-b.cdp.done:
	default:
		return false
	}
	select {
	case <-b.exited:
		return true
	case <-time.After(time.Second):
		return false
	}
}

func withDefaultTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if _, ok := ctx.Deadline(); ok {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, d)
}
