package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
)

// Local conferences between copies of our phone, direct calls: the hub
// (440 Hz) bridges the others, each playing its own tone, each recording
// what it hears. G.711 with 8 kHz devices: the hub's bridge mixes at
// 8 kHz.

// expectHubHeard checks a conference hub's (440 Hz) stereo recording with
// parties at 1000 and 1700 Hz: the hub alone on the left, both parties on
// the right.
func expectHubHeard(t *testing.T, who string, r recording) {
	t.Helper()
	if r.ch != 2 {
		t.Fatalf("%s recording %s", who, describe(r))
	}
	expectHeard(t, who+" left (microphone)", r.channel(0), r.rate, hzList(440), r.dur()*8/10, hzList(1000, 1700))
	expectHeard(t, who+" right", r.channel(1), r.rate, hzList(1000, 1700), 1500*time.Millisecond, hzList(440))
}

// TestConferenceDirect: the hub calls A, holds it, calls B and merges;
// each party must hear the hub and the other party, and the hub's
// recording both parties on the right and itself on the left. Then B
// hangs up: the conference ends and A goes on with the hub, both ways.
func TestConferenceDirect(t *testing.T) {
	hub := startRatePhone(t, directConfig+fmt.Sprintf("\n[audio]\nrecord_dir = %q\n", t.TempDir()), 440, []string{"pcmu"})
	a := startRatePhone(t, directConfig, 1000, []string{"pcmu"})
	b := startRatePhone(t, directConfig, 1700, []string{"pcmu"})
	idA, _ := connectDirect(t, hub, a)
	if err := hub.Hold(context.Background(), idA); err != nil {
		t.Fatal(err)
	}
	idB, inB := connectDirect(t, hub, b)

	conf, err := hub.Merge(context.Background(), idA, idB)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		i := waitInfo(t, hub.Engine, id, 2*time.Second, "in the conference", func(i call.Info) bool {
			return i.Conference == conf && i.State == call.Connected
		})
		if i.LocalHold {
			t.Fatalf("%s still held after the merge: %+v", id, i)
		}
	}
	if again, err := hub.Merge(context.Background(), idB, idA); err != nil || again != conf {
		t.Errorf("merging the same calls again: %q, %v; want %s", again, err, conf)
	}
	path, err := hub.StartRecording(idB)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		waitInfo(t, hub.Engine, id, time.Second, "the conference's recording", func(i call.Info) bool { return i.Recording == path })
	}
	time.Sleep(3 * time.Second)

	if err := b.Hangup(inB); err != nil {
		t.Fatal(err)
	}
	waitGone(t, hub.Engine, idB, 5*time.Second)
	i := waitInfo(t, hub.Engine, idA, 2*time.Second, "out of the ended conference", func(i call.Info) bool { return i.Conference == "" })
	if i.Recording != path {
		t.Errorf("A after the conference: recording %q, want %q to go on", i.Recording, path)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := hub.StopRecording(idA); err != nil {
		t.Fatal(err)
	}
	if err := hub.Hangup(idA); err != nil {
		t.Fatal(err)
	}
	waitNoCalls(t, a, 5*time.Second)

	// B heard the hub and A in the conference (3 s), never itself.
	rb := readRecording(t, b.recording(t, 0))
	expectHeard(t, "B", rb.channel(-1), rb.rate, hzList(440, 1000), 1500*time.Millisecond, hzList(1700))
	// A: the hub and B while merged (3 s), then the hub alone (2.5 s, up
	// to the hang-up that ends A's file).
	ra := readRecording(t, a.recording(t, 0))
	expectHeard(t, "A", ra.channel(-1), ra.rate, hzList(440, 1700), 1500*time.Millisecond, hzList(1000))
	expectHeard(t, "A after B left", ra.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), ra.rate,
		hzList(440), 700*time.Millisecond, hzList(1700))
	// The hub's recording: itself on the left throughout; A and B on the
	// right, then A alone.
	expectFinished(t, path)
	rh := readRecording(t, path)
	expectHubHeard(t, "hub", rh)
	expectHeard(t, "hub right after B left", rh.tail(t, 1, 1500*time.Millisecond, 100*time.Millisecond), rh.rate,
		hzList(1000), 700*time.Millisecond, hzList(1700))
}

// TestConferenceNWaySplit: a third party merged into a running conference
// hears everyone and is heard by everyone; split off again, it goes on
// hold and the others carry on without it.
func TestConferenceNWaySplit(t *testing.T) {
	hub := startRatePhone(t, directConfig, 440, []string{"pcmu"})
	a := startRatePhone(t, directConfig, 1000, []string{"pcmu"})
	b := startRatePhone(t, directConfig, 1700, []string{"pcmu"})
	c := startRatePhone(t, directConfig, 2300, []string{"pcmu"})
	idA, _ := connectDirect(t, hub, a)
	if err := hub.Hold(context.Background(), idA); err != nil {
		t.Fatal(err)
	}
	idB, _ := connectDirect(t, hub, b)
	conf, err := hub.Merge(context.Background(), idA, idB)
	if err != nil {
		t.Fatal(err)
	}
	idC, _ := connectDirect(t, hub, c)
	if got, err := hub.Merge(context.Background(), conf, idC); err != nil || got != conf {
		t.Fatalf("merging a third call into %s: %q, %v", conf, got, err)
	}
	for _, id := range []string{idA, idB, idC} {
		waitInfo(t, hub.Engine, id, 2*time.Second, "in the conference", func(i call.Info) bool { return i.Conference == conf })
	}
	time.Sleep(3 * time.Second)

	if err := hub.Split(context.Background(), idC); err != nil {
		t.Fatal(err)
	}
	ic := waitInfo(t, hub.Engine, idC, 2*time.Second, "split and held", func(i call.Info) bool {
		return i.Conference == "" && i.State == call.Held
	})
	if !ic.LocalHold {
		t.Errorf("split call %+v, want it held", ic)
	}
	for _, id := range []string{idA, idB} {
		if i, _ := callInfo(hub.Engine, id); i.Conference != conf || i.State != call.Connected {
			t.Errorf("after the split %s is %+v, want it still in %s", id, i, conf)
		}
	}
	if err := hub.Split(context.Background(), idC); err == nil {
		t.Error("splitting a call twice: no error")
	}
	time.Sleep(2500 * time.Millisecond)
	for _, id := range []string{idA, idB, idC} {
		if err := hub.Hangup(id); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*tonePhone{a, b, c} {
		waitNoCalls(t, p, 5*time.Second)
	}

	rc := readRecording(t, c.recording(t, 0))
	expectHeard(t, "C", rc.channel(-1), rc.rate, hzList(440, 1000, 1700), 1500*time.Millisecond, hzList(2300))
	expectHeard(t, "C held after the split", rc.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), rc.rate,
		nil, 0, hzList(440, 1000, 1700, 2300))
	ra := readRecording(t, a.recording(t, 0))
	expectHeard(t, "A", ra.channel(-1), ra.rate, hzList(440, 1700, 2300), 1500*time.Millisecond, hzList(1000))
	expectHeard(t, "A after the split", ra.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), ra.rate,
		hzList(440, 1700), 700*time.Millisecond, hzList(2300))
	rb := readRecording(t, b.recording(t, 0))
	expectHeard(t, "B", rb.channel(-1), rb.rate, hzList(440, 1000, 2300), 1500*time.Millisecond, hzList(1700))
}

// TestConferenceMute: muting any leg mutes the user's microphone for
// every party (each leg shows it), while the parties still hear each
// other; a call muted before a merge keeps the conference muted.
func TestConferenceMute(t *testing.T) {
	hub := startRatePhone(t, directConfig, 440, []string{"pcmu"})
	a := startRatePhone(t, directConfig, 1000, []string{"pcmu"})
	b := startRatePhone(t, directConfig, 1700, []string{"pcmu"})
	idA, _ := connectDirect(t, hub, a)
	idB, _ := connectDirect(t, hub, b)
	if err := hub.Mute(idB, true); err != nil {
		t.Fatal(err)
	}
	conf, err := hub.Merge(context.Background(), idA, idB)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		waitInfo(t, hub.Engine, id, 2*time.Second, "muted in the conference", func(i call.Info) bool { return i.Conference == conf && i.Muted })
	}
	time.Sleep(2 * time.Second)
	if err := hub.Mute(idA, false); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		waitInfo(t, hub.Engine, id, time.Second, "unmuted", func(i call.Info) bool { return !i.Muted })
	}
	time.Sleep(2 * time.Second)
	if err := hub.Mute(idB, true); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idA, idB} {
		waitInfo(t, hub.Engine, id, time.Second, "muted again", func(i call.Info) bool { return i.Muted })
	}
	time.Sleep(2 * time.Second)
	for _, id := range []string{idA, idB} {
		if err := hub.Hangup(id); err != nil {
			t.Fatal(err)
		}
	}
	waitNoCalls(t, a, 5*time.Second)
	waitNoCalls(t, b, 5*time.Second)
	// Last 2 s: muted again. A hears B only, B hears A only.
	ra, rb := readRecording(t, a.recording(t, 0)), readRecording(t, b.recording(t, 0))
	expectHeard(t, "A muted", ra.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), ra.rate, hzList(1700), 700*time.Millisecond, hzList(440))
	expectHeard(t, "B muted", rb.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), rb.rate, hzList(1000), 700*time.Millisecond, hzList(440))
	// Unmuted in between: the hub too.
	expectHeard(t, "A", ra.channel(-1), ra.rate, hzList(440, 1700), time.Second, hzList(1000))
	expectHeard(t, "B", rb.channel(-1), rb.rate, hzList(440, 1000), time.Second, hzList(1700))
}

// waitNoCalls waits until p has no call left.
func waitNoCalls(t *testing.T, p *tonePhone, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for len(p.Calls()) > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("calls left after %v: %+v", within, p.Calls())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
