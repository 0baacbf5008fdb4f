package core_test

import (
	"context"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/call"
)

// Calls between copies of our phone with no server, and odd dial input.

const directConfig = "[sip]\nlisten = \"127.0.0.1:0\"\n"

var allCodecs = []string{"opus", "g722", "pcmu", "pcma"}

// noCallsLeft fails if the phone still lists a call after a short grace
// (see TestEndedCallIsGoneFromCalls for the strict check).
func noCallsLeft(t *testing.T, p *tonePhone) {
	t.Helper()
	deadline := time.Now().Add(time.Second)
	for len(p.Calls()) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("calls left: %+v", p.Calls())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// closedTCPPort returns a loopback port nobody listens on.
func closedTCPPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return strconv.Itoa(l.Addr().(*net.TCPAddr).Port)
}

// noCallEvents fails if a call event comes within d.
func noCallEvents(t *testing.T, events <-chan core.Event, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case e := <-events:
			if ce, ok := e.(core.CallEvent); ok {
				t.Fatalf("unexpected call event %+v", ce.Info)
			}
		case <-deadline:
			return
		}
	}
}

func TestDirectCallBetweenTwoPhones(t *testing.T) {
	a := startTonePhone(t, directConfig, 440, allCodecs)
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	aAddr, bAddr := a.State().Listen, b.State().Listen
	bEvents, unsubscribe := b.Events()
	defer unsubscribe()
	dialed := time.Now()

	id, err := b.Dial(context.Background(), "sip:anyone@"+aAddr, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, a.events, 5*time.Second, call.Incoming)
	_, bPort, _ := net.SplitHostPort(bAddr)
	if in.Account != "" || in.Direction != call.Inbound || !strings.Contains(in.Remote.URI, ":"+bPort) {
		t.Fatalf("incoming %+v, want a direct call from %s", in, bAddr)
	}
	if out := waitCall(t, b.events, 5*time.Second, call.Ringing); out.ID != id || out.Account != "" {
		t.Fatalf("caller %+v", out)
	}
	if err := a.Answer(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	ac := waitCall(t, a.events, 5*time.Second, call.Connected)
	bc := waitCall(t, b.events, 5*time.Second, call.Connected)
	if ac.Codec == "" || ac.Codec != bc.Codec {
		t.Fatalf("codecs: callee %q, caller %q", ac.Codec, bc.Codec)
	}
	t.Logf("direct call on %s", ac.Codec)
	// The caller hears the callee's audio: one "flowing" event, stamped
	// after the dial.
	flowing := 0
	for drained := false; !drained; {
		select {
		case e := <-bEvents:
			if me, ok := e.(core.MediaEvent); ok {
				flowing++
				if me.CallID != id || me.State != "flowing" || me.At.Before(dialed) || time.Since(me.At) > 5*time.Second {
					t.Errorf("media event %+v for call %s dialled at %v", me, id, dialed)
				}
			}
		case <-time.After(500 * time.Millisecond):
			drained = true
		}
	}
	if flowing != 1 {
		t.Errorf("%d media events, want one", flowing)
	}
	time.Sleep(2500 * time.Millisecond)
	if err := b.Hangup(id); err != nil {
		t.Fatal(err)
	}
	if end := waitEnded(t, b.events, 5*time.Second); end.Reason != "hung up" {
		t.Errorf("caller ended %+v", end)
	}
	if end := waitEnded(t, a.events, 5*time.Second); end.ID != in.ID || end.Reason != "remote hung up" {
		t.Errorf("callee ended %+v", end)
	}
	expectTone(t, a.recording(t, 0), 1000, 1.5)
	expectTone(t, b.recording(t, 0), 440, 1.5)
}

func TestDirectCallRefusedWhenNotAllowed(t *testing.T) {
	a := startTonePhone(t, directConfig+"allow_direct = false\n", 440, allCodecs)
	b := startTonePhone(t, directConfig, 1000, allCodecs)
	id, err := b.Dial(context.Background(), "sip:anyone@"+a.State().Listen, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	end := waitEnded(t, b.events, 5*time.Second)
	if end.ID != id || end.Code != 403 {
		t.Errorf("caller ended %+v, want 403", end)
	}
	noCallEvents(t, a.events, 200*time.Millisecond)
	noCallsLeft(t, a)
}

func TestDialOddInput(t *testing.T) {
	p := startTonePhone(t, directConfig, 440, allCodecs)
	for _, to := range []string{"sip:bob\r\n@x", "sip:bob@", "bob", ""} {
		if id, err := p.Dial(context.Background(), to, core.DialOptions{}); err == nil {
			t.Errorf("Dial(%q) = %q, want an error", to, id)
		}
	}
	noCallEvents(t, p.events, 200*time.Millisecond)
	if calls := p.Calls(); len(calls) != 0 {
		t.Fatalf("calls after bad dials: %+v", calls)
	}

	// Nobody listens on a closed TCP port: the connection is refused at once.
	start := time.Now()
	id, err := p.Dial(context.Background(), "sip:x@127.0.0.1:"+closedTCPPort(t)+";transport=tcp", core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	end := waitEnded(t, p.events, 5*time.Second)
	if end.ID != id || end.Reason == "" {
		t.Errorf("ended %+v, want a reason", end)
	}
	t.Logf("refused TCP call ended in %v: %q (%d)", time.Since(start), end.Reason, end.Code)
	noCallsLeft(t, p)
}

// TestEndedCallIsGoneFromCalls: once a call's ended event is out, Calls()
// must no longer list it (a screen redrawn on that event would show it).
func TestEndedCallIsGoneFromCalls(t *testing.T) {
	p := startTonePhone(t, directConfig, 440, allCodecs)
	port := closedTCPPort(t)
	for i := range 1000 {
		id, err := p.Dial(context.Background(), "sip:x@127.0.0.1:"+port+";transport=tcp", core.DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		end := waitEnded(t, p.events, 5*time.Second)
		for _, c := range p.Calls() {
			if c.ID == id || c.ID == end.ID {
				t.Fatalf("attempt %d: Calls() lists %+v after its ended event", i, c)
			}
		}
	}
}

// TestHangupBeforeAnyResponse: a call to an address where nothing answers
// (UDP: no provisional response, so RFC 3261 9.1 forbids a CANCEL yet) must
// still end at once when the user hangs up.
func TestHangupBeforeAnyResponse(t *testing.T) {
	p := startTonePhone(t, directConfig, 440, allCodecs)
	u, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	uport := strconv.Itoa(u.LocalAddr().(*net.UDPAddr).Port)
	u.Close()
	id, err := p.Dial(context.Background(), "sip:x@127.0.0.1:"+uport, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, p.events, time.Second, call.Dialing)
	time.Sleep(200 * time.Millisecond)
	start := time.Now()
	if err := p.Hangup(id); err != nil {
		t.Fatal(err)
	}
	end := waitEnded(t, p.events, 3*time.Second)
	if end.ID != id || end.Reason != "cancelled" {
		t.Errorf("ended %+v, want cancelled", end)
	}
	t.Logf("unanswered UDP call hung up in %v", time.Since(start))
	noCallsLeft(t, p)
}
