package env_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/guitest"
)

// slowHold is a phone whose Hold waits for release, as a SIP transaction
// waits for the far end.
type slowHold struct {
	*guitest.Phone
	started, release chan struct{}
}

func (p slowHold) Hold(ctx context.Context, id string) error {
	close(p.started)
	<-p.release
	return p.Phone.Hold(ctx, id)
}

// TestQueueKeepsClickOrder: Hold then Resume, tapped in quick succession,
// reach the phone in that order even though Hold takes a while; Resume
// does not start before Hold is done.
func TestQueueKeepsClickOrder(t *testing.T) {
	ph := slowHold{Phone: guitest.NewPhone(), started: make(chan struct{}), release: make(chan struct{})}
	resumed := make(chan struct{})
	q := env.NewQueue(t.Context(), nil)
	q.Run("Hold", func(ctx context.Context) error { return ph.Hold(ctx, "a") })
	q.Run("Resume", func(ctx context.Context) error {
		close(resumed)
		return ph.Resume(ctx, "a")
	})
	<-ph.started
	// Nothing can announce that Resume waits; give a goroutine per tap
	// the time to show itself.
	select {
	case <-resumed:
		t.Fatal("Resume started while Hold was still running")
	case <-time.After(50 * time.Millisecond):
	}
	close(ph.release)
	<-resumed
	wait(q)
	if got, want := ph.Commands(), []string{"Hold a", "Resume a"}; !slices.Equal(got, want) {
		t.Fatalf("commands %q, want %q", got, want)
	}
}

// TestQueueRunsInOrder: many quick commands arrive in the order given,
// each after the one before finished.
func TestQueueRunsInOrder(t *testing.T) {
	ph := guitest.NewPhone()
	q := env.NewQueue(t.Context(), nil)
	var want []string
	for i := range 50 {
		on := i%2 == 0
		want = append(want, fmt.Sprintf("Mute a %v", on))
		q.Run("Mute", func(context.Context) error { return ph.Mute("a", on) })
	}
	wait(q)
	if got := ph.Commands(); !slices.Equal(got, want) {
		t.Fatalf("commands %q, want %q", got, want)
	}
}

// TestQueueReportsEachCommand: done hears of every command, with its
// error, on the queue's goroutine and in order.
func TestQueueReportsEachCommand(t *testing.T) {
	reports := make(chan string, 2)
	q := env.NewQueue(t.Context(), func(what string, err error) {
		reports <- fmt.Sprint(what, ": ", err)
	})
	fail := errors.New("refused")
	q.Run("one", func(context.Context) error { return nil })
	q.Run("two", func(context.Context) error { return fail })
	got := []string{<-reports, <-reports}
	if want := []string{"one: <nil>", "two: refused"}; !slices.Equal(got, want) {
		t.Fatalf("reports %q, want %q", got, want)
	}
}

// TestQueueEndsWithTheWindow: once ctx ends, queued commands are dropped
// and the commands given ctx see it cancelled.
func TestQueueEndsWithTheWindow(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	q := env.NewQueue(ctx, nil)
	seen := make(chan error, 1)
	q.Run("first", func(ctx context.Context) error {
		cancel()
		seen <- ctx.Err()
		return nil
	})
	if err := <-seen; !errors.Is(err, context.Canceled) {
		t.Fatalf("command's ctx: %v, want cancelled", err)
	}
	ran := false
	q.Run("late", func(context.Context) error { ran = true; return nil })
	if ran {
		t.Fatal("a command ran after the window ended")
	}
}

// wait returns once the commands queued on q so far are done.
func wait(q *env.Queue) {
	done := make(chan struct{})
	q.Run("wait", func(context.Context) error { close(done); return nil })
	<-done
}
