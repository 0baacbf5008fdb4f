package testlab

import (
	"testing"
	"time"
)

// TestCoturnAnswersSTUN starts coturn and checks that it answers a binding
// request on the address it reports, and stops with the test.
func TestCoturnAnswersSTUN(t *testing.T) {
	c := StartCoturn(t)
	if c.User == "" || c.Pass == "" {
		t.Fatal("no credentials")
	}
	if err := stunPing(c.Addr, time.Second); err != nil {
		t.Fatalf("STUN to %s: %v", c.Addr, err)
	}
	c.Stop()
	if err := stunPing(c.Addr, 300*time.Millisecond); err == nil {
		t.Fatal("coturn still answers after Stop")
	}
}
