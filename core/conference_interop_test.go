package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// Recording and local conferences against baresip through Kamailio: we
// (alice, 440 Hz) bridge bob (Opus, 1000 Hz) and carol (G.711, 1700 Hz),
// each baresip recording what it hears.

// dialConnected has alice call user through k and waits until both sides
// are connected.
func dialConnected(t *testing.T, alice *tonePhone, peer *testlab.Baresip, k *testlab.Kamailio) string {
	t.Helper()
	id, err := alice.Dial(context.Background(), "sip:"+peer.User+"@"+k.Domain, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitInfo(t, alice.Engine, id, 10*time.Second, "connected", func(i call.Info) bool { return i.State == call.Connected })
	bobWait(t, peer, "CALL_ESTABLISHED", 5*time.Second)
	return id
}

// lastRecording is baresip's newest recording of what it received.
func lastRecording(t *testing.T, b *testlab.Baresip) recording {
	t.Helper()
	recs, err := b.Recordings()
	if err != nil || len(recs) == 0 {
		t.Fatalf("baresip %s recordings %v: %v", b.User, recs, err)
	}
	return readRecording(t, recs[len(recs)-1])
}

// startConferenceTrio starts Kamailio, bob (Opus, 1000 Hz) and carol
// (G.711, 1700 Hz), both recording what they hear, and alice (us, 440 Hz)
// recording into a temporary folder.
func startConferenceTrio(t *testing.T) (k *testlab.Kamailio, bob, carol *testlab.Baresip, alice *tonePhone) {
	t.Helper()
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k = testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob = testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"opus/48000/1"}, ToneHz: 1000, Record: true})
	carol = testlab.StartBaresip(t, testlab.BaresipOptions{User: "carol", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1700, Record: true})
	cfg := aliceConfig(k) + fmt.Sprintf("\n[audio]\nrecord_dir = %q\n", t.TempDir())
	alice = startTonePhone(t, cfg, 440, []string{"opus", "pcmu"}, core.WithoutRegistration())
	return k, bob, carol, alice
}

// mergeTrio merges alice's calls to bob and carol and checks the legs.
func mergeTrio(t *testing.T, alice *tonePhone, idB, idC string) string {
	t.Helper()
	conf, err := alice.Merge(context.Background(), idB, idC)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{idB, idC} {
		waitInfo(t, alice.Engine, id, 3*time.Second, "in the conference", func(i call.Info) bool {
			return i.Conference == conf && i.State == call.Connected && !i.LocalHold
		})
	}
	ib, _ := callInfo(alice.Engine, idB)
	ic, _ := callInfo(alice.Engine, idC)
	if !strings.EqualFold(ib.Codec, "opus") || !strings.EqualFold(ic.Codec, "pcmu") {
		t.Fatalf("codecs %s and %s, want Opus and PCMU legs", ib.Codec, ic.Codec)
	}
	return conf
}

// hangupTrio hangs up alice's calls and waits until bob and carol see
// them end.
func hangupTrio(t *testing.T, alice *tonePhone, bob, carol *testlab.Baresip, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if err := alice.Hangup(id); err != nil {
			t.Fatal(err)
		}
	}
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
	bobWait(t, carol, "CALL_CLOSED", 5*time.Second)
}

// TestConferenceWithBaresip: we call bob and carol and merge them, and
// record. Each baresip must hear us and the other; our recording has us
// on the left, both of them on the right. Then we split carol off: she is
// held and hears nobody, bob goes on with us alone, both ways.
//
// Bob is not held before the merge here: baresip 1.0's sndfile stops
// recording what it receives after a hold re-INVITE, so a held bob could
// not tell what he hears. TestConferenceResumesHeldBaresip covers that
// path with the ears that can tell, and TestConferenceDirect with ours.
func TestConferenceWithBaresip(t *testing.T) {
	k, bob, carol, alice := startConferenceTrio(t)
	idB := dialConnected(t, alice, bob, k)
	idC := dialConnected(t, alice, carol, k)
	carolAt := time.Now()
	mergeTrio(t, alice, idB, idC)
	path, err := alice.StartRecording(idC)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)

	splitAt := time.Now()
	if err := alice.Split(context.Background(), idC); err != nil {
		t.Fatal(err)
	}
	waitInfo(t, alice.Engine, idC, 3*time.Second, "split off and held", func(i call.Info) bool {
		return i.Conference == "" && i.State == call.Held
	})
	waitInfo(t, alice.Engine, idB, 3*time.Second, "out of the ended conference, still recorded", func(i call.Info) bool {
		return i.Conference == "" && i.State == call.Connected && i.Recording == path
	})
	time.Sleep(2500 * time.Millisecond)
	if err := alice.StopRecording(idB); err != nil {
		t.Fatal(err)
	}
	hangupTrio(t, alice, bob, carol, idB, idC)

	rb := lastRecording(t, bob)
	expectHeard(t, "bob", rb.channel(-1), rb.rate, hzList(440, 1700), 1500*time.Millisecond, hzList(1000))
	expectHeard(t, "bob after carol left", rb.tail(t, -1, 1500*time.Millisecond, 300*time.Millisecond), rb.rate,
		hzList(440), 700*time.Millisecond, hzList(1700))
	rc := lastRecording(t, carol)
	expectHeard(t, "carol", rc.channel(-1), rc.rate, hzList(440, 1000), 1500*time.Millisecond, hzList(1700))
	// baresip records what it decodes: held, carol receives nothing, so
	// her file stops at the split instead of running to the hang-up.
	if rc.dur() > splitAt.Sub(carolAt)+time.Second {
		t.Errorf("carol's recording %s runs on after the split: she still received audio on hold", describe(rc))
	}

	expectFinished(t, path)
	ra := readRecording(t, path)
	expectHubHeard(t, "our", ra)
	expectHeard(t, "our right after carol left", ra.tail(t, 1, 1500*time.Millisecond, 100*time.Millisecond), ra.rate,
		hzList(1000), 700*time.Millisecond, hzList(1700))
}

// TestConferenceResumesHeldBaresip: we call bob, hold him, call carol
// and merge: bob must be taken off hold (re-INVITE a=sendrecv) and heard
// by carol and by us, carol heard by us, with our microphone reaching
// carol. (Bob's own ear: see TestConferenceWithBaresip.)
func TestConferenceResumesHeldBaresip(t *testing.T) {
	k, bob, carol, alice := startConferenceTrio(t)
	idB := dialConnected(t, alice, bob, k)
	if err := alice.Hold(context.Background(), idB); err != nil {
		t.Fatal(err)
	}
	idC := dialConnected(t, alice, carol, k)
	mergeTrio(t, alice, idB, idC)
	if log := bob.Log(); strings.Count(log, "a=sendrecv") < 3 { // the call's offer, its answer, then the resume
		t.Errorf("bob got no a=sendrecv re-INVITE to resume the held call")
	}
	path, err := alice.StartRecording(idB)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if err := alice.StopRecording(idB); err != nil {
		t.Fatal(err)
	}
	hangupTrio(t, alice, bob, carol, idB, idC)
	rc := lastRecording(t, carol)
	expectHeard(t, "carol", rc.channel(-1), rc.rate, hzList(440, 1000), 1500*time.Millisecond, hzList(1700))
	expectHubHeard(t, "our", readRecording(t, path))
}

// TestRecordingWithBaresip: a plain call recorded until the hang-up: our
// tone on the left, bob's on the right, the file finished and kept in the
// history.
func TestRecordingWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"opus/48000/1"}, ToneHz: 1000})
	data := t.TempDir()
	st := journalStore(t, data)
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"opus"}, core.WithoutRegistration(), core.WithStore(st))

	id := dialConnected(t, alice, bob, k)
	path, err := alice.StartRecording(id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(path, data) || !strings.HasSuffix(path, "_bob.wav") {
		t.Errorf("recording %s: want <date>_<time>_bob.wav beside the history in %s", path, data)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitGone(t, alice.Engine, id, 5*time.Second)
	expectFinished(t, path)
	r := readRecording(t, path)
	if r.ch != 2 || r.rate != 48000 {
		t.Fatalf("recording %s: want stereo at the device's 48 kHz", describe(r))
	}
	expectHeard(t, "left (our microphone)", r.channel(0), r.rate, hzList(440), r.dur()*8/10, hzList(1000))
	expectHeard(t, "right (bob)", r.channel(1), r.rate, hzList(1000), 1500*time.Millisecond, hzList(440))
	alice.Close(ctx) // the journal has written the call
	h, err := st.CallByCallID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if h.Recording != path {
		t.Errorf("history: recording %q, want %q", h.Recording, path)
	}
}
