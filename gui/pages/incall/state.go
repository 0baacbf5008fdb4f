package incall

import (
	"time"

	"github.com/softphone/softphone/core/call"
)

// nextSecond is when the call's duration shows the next second.
func nextSecond(c call.Info, now time.Time) time.Time {
	if c.Answered.IsZero() {
		return now.Add(time.Second)
	}
	d := max(now.Sub(c.Answered), 0)
	return c.Answered.Add((d/time.Second + 1) * time.Second)
}
