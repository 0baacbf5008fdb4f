package core_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// secureConfig is alice's account with the given media protection. The
// test registrar speaks UDP: SDES keys may go over it only because the
// account says so.
func secureConfig(k *testlab.Kamailio, mode string, mandatory bool) string {
	return aliceConfig(k) + fmt.Sprintf("media_encryption = %q\nmedia_encryption_mandatory = %v\nsrtp_over_insecure_signalling = true\n", mode, mandatory)
}

// secureCase is one way of encrypting a call with baresip.
type secureCase struct {
	name      string
	theirs    string // baresip's mediaenc
	ours      string // our media_encryption
	mandatory bool
	scheme    string // what the call must report
}

var secureCases = []secureCase{
	{"srtp", "srtp", "srtp", false, call.EncryptionSRTP},
	{"srtp-mand", "srtp-mand", "srtp", true, call.EncryptionSRTP},
	{"dtls_srtp", "dtls_srtp", "dtls", true, call.EncryptionDTLS},
}

// TestEncryptedCallsWithBaresip: in each mode, both directions, the call
// connects encrypted, says so, carries each side's tone to the other, and
// what crosses the wire is not the cleartext codec payload.
func TestEncryptedCallsWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	for _, sc := range secureCases {
		for _, weCall := range []bool{true, false} {
			dir := "they-call"
			if weCall {
				dir = "we-call"
			}
			t.Run(sc.name+"/"+dir, func(t *testing.T) {
				bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"},
					ToneHz: 1000, Record: true, MediaEnc: sc.theirs})
				capture := testlab.StartCapture(t, testlab.PortRange(bob.RTPPorts[0], bob.RTPPorts[1])...)
				alice := startTonePhone(t, secureConfig(k, sc.ours, sc.mandatory), 500, []string{"pcmu"})
				waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
				id := connectWithBaresip(t, alice, bob, k, weCall)
				info := waitInfo(t, alice.Engine, id, 10*time.Second, "encryption "+sc.scheme, func(i call.Info) bool {
					return i.Encryption == sc.scheme
				})
				if info.State != call.Connected {
					t.Fatalf("call %+v", info)
				}
				if weCall {
					// Hold and resume re-INVITE with the keys agreed (baresip
					// answers each with a new key of its own): the media
					// must come back. The pauses give each of baresip's
					// recordings (named by the second) a name of its own.
					ctx := context.Background()
					time.Sleep(1100 * time.Millisecond)
					if err := alice.Hold(ctx, id); err != nil {
						t.Fatal(err)
					}
					waitCall(t, alice.events, 5*time.Second, call.Held)
					time.Sleep(1100 * time.Millisecond)
					if err := alice.Resume(ctx, id); err != nil {
						t.Fatal(err)
					}
					waitCall(t, alice.events, 5*time.Second, call.Connected)
				}
				time.Sleep(2500 * time.Millisecond)
				if err := alice.Hangup(id); err != nil {
					t.Fatal(err)
				}
				waitEnded(t, alice.events, 5*time.Second)
				expectTone(t, alice.recording(t, 0), 1000, 1.5)
				rec := readRecording(t, alice.recording(t, 0))
				expectHeard(t, "our last 2 s", rec.tail(t, 0, 2*time.Second, 0), rec.rate, hzList(1000), 1500*time.Millisecond, nil)
				recs, err := bob.Recordings()
				if err != nil || len(recs) == 0 {
					t.Fatalf("baresip recordings %v: %v", recs, err)
				}
				// baresip 1.0 stops recording when a re-INVITE updates the
				// stream: with a hold, only the first second is there (what
				// we send after the resume is checked on the wire below).
				heard := 0.0
				for _, r := range recs {
					pcm, rate, ch, err := testlab.ReadWAV(r)
					if err != nil {
						t.Fatal(err)
					}
					heard += testlab.AnalyzeTone(testlab.MixMono(pcm, ch), rate, 500).ActiveSeconds
				}
				want := 2.0
				if weCall {
					want = 0.8
				}
				if heard < want {
					t.Errorf("baresip heard our tone for %.1f s over %d recordings, want ≥ %.1f s", heard, len(recs), want)
				}
				expectEncryptedWire(t, capture, bob.RTPPorts)
			})
		}
	}
}

// TestEncryptionAgainstPlainBaresip: mandatory encryption against a plain
// peer fails with the reason, both ways; optional encryption connects
// unencrypted and says so.
func TestEncryptionAgainstPlainBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	for _, mode := range []string{"srtp", "dtls"} {
		for _, weCall := range []bool{true, false} {
			dir := "they-call"
			if weCall {
				dir = "we-call"
			}
			t.Run(mode+"/mandatory/"+dir, func(t *testing.T) {
				bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
				alice := startTonePhone(t, secureConfig(k, mode, true), 440, []string{"pcmu"})
				waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
				if weCall {
					if _, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{}); err != nil {
						t.Fatal(err)
					}
					end := waitEnded(t, alice.events, 10*time.Second)
					t.Logf("ended: %s (%d)", end.Reason, end.Code)
					if !strings.Contains(end.Reason, "media encryption required") {
						t.Fatalf("ended %q (%d), want the encryption reason", end.Reason, end.Code)
					}
					return
				}
				if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
					t.Fatal(err)
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				ev, err := bob.WaitEvent(ctx, "CALL_CLOSED")
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("baresip: %s", ev.Param)
				if ev.SIPCode() != 488 || !strings.Contains(strings.ToLower(ev.Param), "encryption") {
					t.Fatalf("baresip's call closed with %+v, want 488 Media Encryption Required", ev)
				}
			})
		}
		t.Run(mode+"/optional", func(t *testing.T) {
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000})
			alice := startTonePhone(t, secureConfig(k, mode, false), 440, []string{"pcmu"})
			waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
			id := connectWithBaresip(t, alice, bob, k, true)
			waitInfo(t, alice.Engine, id, 10*time.Second, "encryption none", func(i call.Info) bool {
				return i.Encryption == call.EncryptionNone
			})
			time.Sleep(1500 * time.Millisecond)
			if err := alice.Hangup(id); err != nil {
				t.Fatal(err)
			}
			waitEnded(t, alice.events, 5*time.Second)
			expectTone(t, alice.recording(t, 0), 1000, 0.8)
		})
	}
}

// connectWithBaresip sets up a call between alice and bob (bob answers by
// itself; alice answers when bob calls) and returns alice's call id.
func connectWithBaresip(t *testing.T, alice *tonePhone, bob *testlab.Baresip, k *testlab.Kamailio, weCall bool) string {
	t.Helper()
	if weCall {
		id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
		if err != nil {
			t.Fatal(err)
		}
		waitCall(t, alice.events, 10*time.Second, call.Connected)
		return id
	}
	if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
		t.Fatal(err)
	}
	in := waitCall(t, alice.events, 10*time.Second, call.Incoming)
	if err := alice.Answer(context.Background(), in.ID); err != nil {
		t.Fatal(err)
	}
	waitCall(t, alice.events, 10*time.Second, call.Connected)
	return in.ID
}

// expectEncryptedWire checks the RTP that crossed to and from baresip,
// each direction on its own: readable RTP headers, and payloads that are
// not the cleartext PCMU of the steady tones both sides send (1 kHz and
// 500 Hz: tones a cleartext verdict can recognise).
func expectEncryptedWire(t *testing.T, c *testlab.Capture, ports [2]int) {
	t.Helper()
	in := func(p netip.AddrPort) bool { return int(p.Port()) >= ports[0] && int(p.Port()) <= ports[1] }
	var fromThem, toThem []testlab.CapturedPacket
	for _, p := range c.All() {
		switch {
		case in(p.Src) && !in(p.Dst):
			fromThem = append(fromThem, p)
		case in(p.Dst) && !in(p.Src):
			toThem = append(toThem, p)
		}
	}
	for _, dir := range []struct {
		name string
		pkts []testlab.CapturedPacket
	}{{"baresip → us", fromThem}, {"us → baresip", toThem}} {
		st := testlab.AnalyzeRTP(testlab.Payloads(dir.pkts))
		t.Logf("%s: %v", dir.name, st)
		if !st.HeaderReadable() || !st.LooksEncrypted() {
			t.Errorf("%s: RTP on the wire does not look encrypted: %v", dir.name, st)
		}
		// Media to the end: the last second before the hang-up carries it.
		if n := len(dir.pkts); n > 0 {
			last, end := 0, dir.pkts[n-1].Time
			for _, p := range dir.pkts {
				if end.Sub(p.Time) < time.Second {
					last++
				}
			}
			if last < 40 {
				t.Errorf("%s: %d packets in the last second, want a call's worth (50)", dir.name, last)
			}
		}
	}
}
