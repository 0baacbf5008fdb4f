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
	"github.com/softphone/softphone/internal/testlab"
)

// interop pairs our codec names with baresip's.
var interopCodecs = []struct{ ours, theirs string }{
	{"opus", "opus/48000/1"},
	{"g722", "G722/16000/1"},
	{"pcmu", "pcmu"},
	{"pcma", "pcma"},
}

func aliceConfig(k *testlab.Kamailio) string {
	return fmt.Sprintf("[sip]\nlisten = \"127.0.0.1:0\"\n\n[[account]]\nname = \"alice\"\nusername = \"alice\"\npassword = \"alice-secret\"\ndomain = %q\nproxy = %q\n", k.Domain, k.UDPAddr)
}

// TestWeCallBaresip: we call an auto-answering baresip through Kamailio;
// each side's recording must carry the other side's tone, for every codec.
func TestWeCallBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	for _, c := range interopCodecs {
		t.Run(c.ours, func(t *testing.T) {
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{c.theirs}, ToneHz: 1000, Record: true})
			alice := startTonePhone(t, aliceConfig(k), 440, []string{c.ours}, core.WithoutRegistration())
			start := time.Now()
			id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
			if err != nil {
				t.Fatal(err)
			}
			info := waitCall(t, alice.events, 10*time.Second, call.Connected)
			t.Logf("%s: connected in %v", c.ours, time.Since(start))
			if !strings.EqualFold(info.Codec, c.ours) && !(c.ours == "g722" && info.Codec == "G722") {
				t.Fatalf("codec %q, want %s", info.Codec, c.ours)
			}
			time.Sleep(2500 * time.Millisecond)
			hangUpAndHear(t, alice, id, bob, 440, 1000)
		})
	}
}

// TestBaresipCallsUs: baresip calls our registered phone, which answers.
func TestBaresipCallsUs(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	for _, c := range interopCodecs {
		t.Run(c.ours, func(t *testing.T) {
			alice := startTonePhone(t, aliceConfig(k), 440, []string{c.ours})
			waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{c.theirs}, ToneHz: 1000, Record: true})
			if err := bob.Dial("sip:alice@" + k.Domain); err != nil {
				t.Fatal(err)
			}
			in := waitCall(t, alice.events, 10*time.Second, call.Incoming)
			if in.Direction != call.Inbound || in.Account != "alice" || !strings.Contains(in.Remote.URI, "bob") {
				t.Fatalf("incoming %+v", in)
			}
			if err := alice.Answer(context.Background(), in.ID); err != nil {
				t.Fatal(err)
			}
			waitCall(t, alice.events, 5*time.Second, call.Connected)
			time.Sleep(2500 * time.Millisecond)
			if err := bob.Hangup(); err != nil {
				t.Fatal(err)
			}
			end := waitEnded(t, alice.events, 5*time.Second)
			if end.Reason != "remote hung up" {
				t.Fatalf("ended: %+v", end)
			}
			expectTone(t, alice.recording(t, 0), 1000, 1.5)
			recs, err := bob.Recordings()
			if err != nil || len(recs) == 0 {
				t.Fatalf("baresip recordings %v: %v", recs, err)
			}
			expectTone(t, recs[len(recs)-1], 440, 1.5)
		})
	}
}
