package testlab

import (
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

func TestEventuallyWaitsForTheCondition(t *testing.T) {
	var n atomic.Int32
	Eventually(t, 2*time.Second, "third check", func() bool { return n.Add(1) >= 3 })
	if got := n.Load(); got != 3 {
		t.Errorf("cond checked %d times, want 3 (it holds on the third)", got)
	}
}

func TestEventuallyFailsAfterTheDeadline(t *testing.T) {
	ft := &fatalRecorder{TB: t}
	done := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(done)
		Eventually(ft, 100*time.Millisecond, "miracle", func() bool { return false })
	}()
	<-done
	if took := time.Since(start); !ft.failed || took < 100*time.Millisecond {
		t.Errorf("Eventually on a false condition: failed=%v after %v, want a failure after 100ms", ft.failed, took)
	}
	if ft.msg != "no miracle within 100ms" {
		t.Errorf("message %q", ft.msg)
	}
}

// fatalRecorder records Fatalf and ends its goroutine, as testing.T does.
type fatalRecorder struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fatalRecorder) Helper() {}
func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.failed = true
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
