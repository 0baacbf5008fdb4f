package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// A user dialling a second call puts the first on hold (HoldOthers, as
// the window and the console dial); a program hosting many calls does not.
func TestDialHoldOthers(t *testing.T) {
	a := startTonePhone(t, directConfig, 440, allCodecs)
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	c := startTonePhone(t, directConfig, 700, allCodecs)
	first, _ := connectDirect(t, a, b)

	second, err := a.Dial(context.Background(), "sip:peer@"+c.State().Listen, core.DialOptions{HoldOthers: true})
	if err != nil {
		t.Fatal(err)
	}
	held := waitInfo(t, a.Engine, first, 5*time.Second, "first call held", func(i call.Info) bool { return i.State == call.Held })
	if !held.LocalHold {
		t.Fatalf("first call %+v, want held by us", held)
	}
	waitInfo(t, a.Engine, second, 5*time.Second, "second call ringing", func(i call.Info) bool { return i.State == call.Ringing })
	if err := a.Hangup(second); err != nil {
		t.Fatal(err)
	}

	// Without the option the call in progress stays as it is.
	if err := a.Resume(context.Background(), first); err != nil {
		t.Fatal(err)
	}
	third, err := a.Dial(context.Background(), "sip:peer@"+c.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitInfo(t, a.Engine, third, 5*time.Second, "third call ringing", func(i call.Info) bool { return i.State == call.Ringing })
	if i, _ := callInfo(a.Engine, first); i.State != call.Connected {
		t.Fatalf("first call %s after a plain Dial, want connected", i.State)
	}
}
