package testlab

import (
	"testing"
	"time"
)

// pollEvery is how often Eventually checks its condition.
const pollEvery = 20 * time.Millisecond

// Eventually waits for a condition a test can observe but not be told of:
// it checks cond every 20 ms and fails tb, saying what did not happen, when
// cond still does not hold after d.
func Eventually(tb testing.TB, d time.Duration, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("no %s within %v", what, d)
		}
		time.Sleep(pollEvery)
	}
}
