package widgets_test

import (
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/gui/widgets"
)

var now = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

func TestDuration(t *testing.T) {
	c := call.Info{Answered: now}
	for d, want := range map[time.Duration]string{
		0: "00:00", 59*time.Second + 999*time.Millisecond: "00:59", 61 * time.Second: "01:01",
		59*time.Minute + 59*time.Second: "59:59", time.Hour + 2*time.Minute + 3*time.Second: "1:02:03",
		-time.Second: "00:00",
	} {
		if got := widgets.Duration(c, now.Add(d)); got != want {
			t.Errorf("Duration after %v = %q, want %q", d, got, want)
		}
	}
	if got := widgets.Duration(call.Info{}, now); got != "" {
		t.Errorf("unanswered: %q", got)
	}
}
