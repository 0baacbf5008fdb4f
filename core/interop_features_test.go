package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/media"
	"github.com/softphone/softphone/internal/testlab"
)

// Call features against baresip through Kamailio: DTMF, hold and resume
// either way, cancel and reject, and the end-of-media guard. G.711 (pcmu)
// throughout: baresip sends DTMF as telephone-event/8000 only.

// bobWait returns baresip's next event of typ not taken before.
func bobWait(t *testing.T, b *testlab.Baresip, typ string, within time.Duration) testlab.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), within)
	defer cancel()
	e, err := b.WaitEvent(ctx, typ)
	if err != nil {
		t.Fatalf("baresip %s: no %s within %v: %v; events %v", b.User, typ, within, err, bobEvents(b, ""))
	}
	return e
}

// bobEvents lists baresip's events of typ ("" = all) as TYPE(param).
func bobEvents(b *testlab.Baresip, typ string) []string {
	var out []string
	for _, e := range b.Events() {
		if typ == "" || e.Type == typ {
			out = append(out, e.Type+"("+e.Param+")")
		}
	}
	return out
}

// bobParams lists the params of baresip's events of typ, in order.
func bobParams(b *testlab.Baresip, typ string) []string {
	var out []string
	for _, e := range b.Events() {
		if e.Type == typ {
			out = append(out, e.Param)
		}
	}
	return out
}

// watch reads events for d and fails the test if a call ends meanwhile;
// it returns the DTMF events seen.
func watch(t *testing.T, events <-chan core.Event, d time.Duration) []core.DTMFEvent {
	t.Helper()
	var dtmf []core.DTMFEvent
	deadline := time.After(d)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatal("event stream closed")
			}
			switch e := e.(type) {
			case core.CallEvent:
				if e.State == call.Ended {
					t.Fatalf("call ended (%q, %d) while it should be up", e.Reason, e.Code)
				}
			case core.DTMFEvent:
				dtmf = append(dtmf, e)
			}
		case <-deadline:
			return dtmf
		}
	}
}

// waitDTMF collects n DTMF events, failing if the call ends first.
func waitDTMF(t *testing.T, events <-chan core.Event, n int, within time.Duration) []core.DTMFEvent {
	t.Helper()
	var got []core.DTMFEvent
	deadline := time.After(within)
	for len(got) < n {
		select {
		case e := <-events:
			switch e := e.(type) {
			case core.DTMFEvent:
				got = append(got, e)
			case core.CallEvent:
				if e.State == call.Ended {
					t.Fatalf("call ended (%q) waiting for DTMF; got %+v", e.Reason, got)
				}
			}
		case <-deadline:
			t.Fatalf("got %d DTMF events within %v, want %d: %+v", len(got), within, n, got)
		}
	}
	return got
}

func callStats(t *testing.T, p *tonePhone, id string) media.Stats {
	t.Helper()
	s, err := p.CallStats(id)
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	return s
}

// spanReport analyses the part of a recording from `from` to `to` before
// its end (the recording runs in real time and ends at hang-up).
func spanReport(t *testing.T, path string, hz float64, from, to time.Duration) testlab.ToneReport {
	t.Helper()
	pcm, rate, ch, err := testlab.ReadWAV(path)
	if err != nil {
		t.Fatalf("recording %s: %v", path, err)
	}
	mono := testlab.MixMono(pcm, ch)
	idx := func(back time.Duration) int {
		i := len(mono) - int(back.Seconds()*float64(rate))
		return max(0, min(len(mono), i))
	}
	return testlab.AnalyzeTone(mono[idx(from):idx(to)], rate, hz)
}

// dialBob calls bob through k and waits until both sides are connected.
func dialBob(t *testing.T, alice *tonePhone, bob *testlab.Baresip, k *testlab.Kamailio) string {
	t.Helper()
	id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	info := waitCall(t, alice.events, 10*time.Second, call.Connected)
	if info.ID != id || !strings.EqualFold(info.Codec, "pcmu") {
		t.Fatalf("connected %+v, want call %s on PCMU", info, id)
	}
	bobWait(t, bob, "CALL_ESTABLISHED", 5*time.Second)
	return id
}

func TestDTMFBothWaysWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration())
	id := dialBob(t, alice, bob, k)

	// Ours to baresip.
	if err := alice.SendDTMF(id, "123#"); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"1", "2", "3", "#"} {
		if e := bobWait(t, bob, "CALL_DTMF_START", 5*time.Second); e.Param != d {
			t.Fatalf("baresip got digit %q, want %q (all: %v)", e.Param, d, bobParams(bob, "CALL_DTMF_START"))
		}
	}
	if err := alice.SendDTMF(id, "x"); err == nil {
		t.Error("SendDTMF(x): no error")
	}

	// Baresip's to us.
	if err := bob.SendDTMF("5*9"); err != nil {
		t.Fatal(err)
	}
	got := waitDTMF(t, alice.events, 3, 5*time.Second)
	extra := watch(t, alice.events, 700*time.Millisecond) // repeats would come within the digits' end packets
	got = append(got, extra...)
	var digits []string
	for _, e := range got {
		if e.CallID != id || e.Via != "rtp" {
			t.Errorf("DTMF event %+v, want call %s via rtp", e, id)
		}
		digits = append(digits, e.Digit)
	}
	if strings.Join(digits, "") != "5*9" {
		t.Errorf("we got digits %q, want 5*9 once each", digits)
	}
	if p := bobParams(bob, "CALL_DTMF_START"); strings.Join(p, "") != "123#" {
		t.Errorf("baresip got digits %q, want 1 2 3 # once each", p)
	}
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, alice.events, 5*time.Second)
}

// TestHoldAndResumeByUs holds baresip from our side for 3 s with a 2 s
// end-of-media guard: the held call must survive it, no RTP may flow either
// way during the hold, and audio must come back after the resume.
func TestHoldAndResumeByUs(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration(), core.WithNoMediaTimeout(2*time.Second))
	id := dialBob(t, alice, bob, k)
	watch(t, alice.events, time.Second)
	before := callStats(t, alice, id)
	if before.PacketsSent < 25 || before.PacketsReceived < 25 {
		t.Fatalf("before hold: %+v, want audio both ways", before)
	}

	holdAt := time.Now()
	if err := alice.Hold(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	held := waitCall(t, alice.events, 2*time.Second, call.Held, call.Connected, call.RemoteHeld)
	if held.State != call.Held || !held.LocalHold || held.RemoteHold {
		t.Fatalf("after Hold: %+v", held)
	}
	// baresip must answer our a=sendonly with a=recvonly (RFC 3264 6.1).
	if !strings.Contains(bob.Log(), "a=recvonly") {
		t.Errorf("baresip's answer to our hold has no a=recvonly")
	}
	watch(t, alice.events, 300*time.Millisecond)
	s1 := callStats(t, alice, id)
	watch(t, alice.events, time.Second)
	s2 := callStats(t, alice, id)
	if s2.PacketsSent != s1.PacketsSent {
		t.Errorf("on hold we sent %d packets in 1 s", s2.PacketsSent-s1.PacketsSent)
	}
	if s2.PacketsReceived != s1.PacketsReceived {
		t.Errorf("on hold we took %d packets in 1 s", s2.PacketsReceived-s1.PacketsReceived)
	}
	// Stay held past the 2 s guard: a held call expects no audio.
	watch(t, alice.events, 3200*time.Millisecond-time.Since(holdAt))

	resumeAt := time.Now()
	if err := alice.Resume(context.Background(), id); err != nil {
		t.Fatalf("resume: %v", err)
	}
	resumed := waitCall(t, alice.events, 2*time.Second, call.Held, call.Connected, call.RemoteHeld)
	if resumed.State != call.Connected || resumed.LocalHold {
		t.Fatalf("after Resume: %+v", resumed)
	}
	watch(t, alice.events, time.Second)
	s3 := callStats(t, alice, id)
	if s3.PacketsSent < s2.PacketsSent+25 || s3.PacketsReceived < s2.PacketsReceived+25 {
		t.Errorf("1 s after resume: sent %d, received %d more packets; want ~50 each",
			s3.PacketsSent-s2.PacketsSent, s3.PacketsReceived-s2.PacketsReceived)
	}
	watch(t, alice.events, 1500*time.Millisecond)
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	endAt := time.Now()
	if end := waitEnded(t, alice.events, 5*time.Second); end.Reason != "hung up" {
		t.Fatalf("ended %+v", end)
	}

	rec := alice.recording(t, 0)
	after := spanReport(t, rec, 1000, endAt.Sub(resumeAt)-400*time.Millisecond, 100*time.Millisecond)
	if after.ActiveSeconds < 1.5 {
		t.Errorf("after resume our recording has %v", after)
	}
	during := spanReport(t, rec, 1000, endAt.Sub(holdAt)-300*time.Millisecond, endAt.Sub(resumeAt)+200*time.Millisecond)
	if during.ActiveSeconds > 0.1 || during.TotalSeconds < 2 {
		t.Errorf("during hold our recording has %v, want silence", during)
	}
	t.Logf("after resume: %v; during hold: %v", after, during)
}

// TestHoldByBaresip: baresip holds us (a=sendonly), then resumes.
func TestHoldByBaresip(t *testing.T) {
	remoteHoldAndResume(t, 0, time.Second)
}

// TestRemoteHoldOutlastsMediaGuard: a call the far end holds longer than
// the end-of-media guard must not be ended by it (baresip, like many
// phones, sends no RTP at all while it holds).
func TestRemoteHoldOutlastsMediaGuard(t *testing.T) {
	remoteHoldAndResume(t, 2*time.Second, 3*time.Second)
}

// remoteHoldAndResume: baresip holds our call for holdFor, then resumes;
// guard is our end-of-media timeout (0 = default).
func remoteHoldAndResume(t *testing.T, guard, holdFor time.Duration) {
	t.Helper()
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	opts := []core.Option{core.WithoutRegistration()}
	if guard > 0 {
		opts = append(opts, core.WithNoMediaTimeout(guard))
	}
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, opts...)
	id := dialBob(t, alice, bob, k)
	watch(t, alice.events, 500*time.Millisecond)

	if err := bob.Hold(); err != nil {
		t.Fatal(err)
	}
	held := waitCall(t, alice.events, 3*time.Second, call.Held, call.Connected, call.RemoteHeld)
	if held.State != call.RemoteHeld || !held.RemoteHold || held.LocalHold {
		t.Fatalf("after baresip's hold: %+v", held)
	}
	if r, err := bob.Command("listcalls", ""); err != nil || !strings.Contains(r.Data, "(on hold)") {
		t.Errorf("baresip listcalls: %q, %v", r.Data, err)
	}
	watch(t, alice.events, 300*time.Millisecond)
	s1 := callStats(t, alice, id)
	watch(t, alice.events, time.Second)
	s2 := callStats(t, alice, id)
	if s2.PacketsSent != s1.PacketsSent {
		t.Errorf("held by a sendonly peer, we sent %d packets in 1 s", s2.PacketsSent-s1.PacketsSent)
	}
	watch(t, alice.events, holdFor-time.Second) // past the guard, if any: a held call is not a dead call

	if err := bob.Resume(); err != nil {
		t.Fatal(err)
	}
	resumed := waitCall(t, alice.events, 3*time.Second, call.Held, call.Connected, call.RemoteHeld)
	if resumed.State != call.Connected || resumed.RemoteHold {
		t.Fatalf("after baresip's resume: %+v", resumed)
	}
	watch(t, alice.events, time.Second)
	if s3 := callStats(t, alice, id); s3.PacketsSent < s2.PacketsSent+25 {
		t.Errorf("after resume we sent only %d packets in 1 s", s3.PacketsSent-s2.PacketsSent)
	}
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	waitEnded(t, alice.events, 5*time.Second)
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
}

func TestCancelBeforeAnswer(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, AnswerMode: "manual"})
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration())
	id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, alice.events, 5*time.Second, call.Ringing)
	bobWait(t, bob, "CALL_INCOMING", 5*time.Second)
	start := time.Now()
	if err := alice.Hangup(id); err != nil {
		t.Fatal(err)
	}
	end := waitEnded(t, alice.events, 5*time.Second)
	if end.ID != id || end.Reason != "cancelled" || end.Code != 487 {
		t.Errorf("ended %+v, want cancelled 487", end)
	}
	t.Logf("cancelled in %v", time.Since(start))
	bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
	if got := bobEvents(bob, "CALL_ESTABLISHED"); len(got) != 0 {
		t.Errorf("baresip established a cancelled call: %v", got)
	}
	noCallsLeft(t, alice)
}

func TestRejects(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, AnswerMode: "manual"})
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"})
	waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)

	t.Run("baresip rejects ours", func(t *testing.T) {
		id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		bobWait(t, bob, "CALL_INCOMING", 5*time.Second)
		if err := bob.Hangup(); err != nil {
			t.Fatal(err)
		}
		end := waitEnded(t, alice.events, 5*time.Second)
		bobWait(t, bob, "CALL_CLOSED", 5*time.Second)
		// baresip 1.0 answers "486 Rejected".
		if end.ID != id || end.Code != 486 || end.Reason != "486 Rejected" {
			t.Errorf("ended %+v, want 486 with baresip's phrase", end)
		}
	})
	for _, code := range []int{486, 603} {
		t.Run(fmt.Sprintf("we reject with %d", code), func(t *testing.T) {
			if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
				t.Fatal(err)
			}
			in := waitCall(t, alice.events, 5*time.Second, call.Incoming)
			if err := alice.Reject(in.ID, code); err != nil {
				t.Fatal(err)
			}
			end := waitEnded(t, alice.events, 5*time.Second)
			if end.ID != in.ID || end.Reason != "rejected" || end.Code != code {
				t.Errorf("ended %+v, want rejected %d", end, code)
			}
			if e := bobWait(t, bob, "CALL_CLOSED", 5*time.Second); e.SIPCode() != code {
				t.Errorf("baresip's call closed with %q, want %d", e.Param, code)
			}
			if err := alice.Reject(in.ID, code); err == nil {
				t.Error("rejecting an ended call: no error")
			}
		})
	}
}

// TestEndOfMediaGuard: the far end vanishes (SIGKILL, no BYE); our guard
// must end the call.
func TestEndOfMediaGuard(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	alice := startTonePhone(t, aliceConfig(k), 440, []string{"pcmu"}, core.WithoutRegistration(), core.WithNoMediaTimeout(2*time.Second))
	id := dialBob(t, alice, bob, k)
	watch(t, alice.events, 500*time.Millisecond)
	if err := bob.Kill(); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	end := waitEnded(t, alice.events, 12*time.Second)
	took := time.Since(killed)
	t.Logf("ended %v after the kill: %q", took, end.Reason)
	if end.ID != id || !strings.Contains(end.Reason, "no audio received") {
		t.Fatalf("ended %+v, want no audio received", end)
	}
	if took < 1500*time.Millisecond || took > 10*time.Second {
		t.Errorf("ended %v after the peer died, want ~2 s (the guard)", took)
	}
	if took > 4*time.Second {
		t.Errorf("the guard fired at ~2 s but the call ended %v after the peer died", took)
	}
}
