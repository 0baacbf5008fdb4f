package testlab

import (
	"context"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// callAudio is how long a test call carries audio before hangup.
const callAudio = 2 * time.Second

func waitEvent(t *testing.T, b *Baresip, typ string) Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	e, err := b.WaitEvent(ctx, typ)
	if err != nil {
		t.Fatalf("%s: %v\nevents: %+v\n--- log ---\n%s", b.User, err, eventTypes(b.Events()), tail(b.Log(), 3000))
	}
	return e
}

func eventTypes(es []Event) []string {
	var s []string
	for _, e := range es {
		s = append(s, e.Type+"("+e.Param+")")
	}
	return s
}

// checkHears checks that b's only recording carries a tone of hz at about
// the level it was sent with.
func checkHears(t *testing.T, b *Baresip, hz float64) {
	t.Helper()
	recs, err := b.Recordings()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 {
		t.Fatalf("%s: recordings %q, want 1", b.User, recs)
	}
	pcm, rate, ch, err := ReadWAV(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	rep := AnalyzeTone(MixMono(pcm, ch), rate, hz)
	t.Logf("%s heard (%d Hz, %d ch): %v", b.User, rate, ch, rep)
	sent := DBFS(ToneAmplitude * ToneAmplitude)
	if rep.ActiveSeconds < 1 || math.Abs(rep.LevelDBFS-sent) > 10 || rep.LevelDBFS-rep.OtherDBFS < 20 {
		t.Errorf("%s: want %v Hz for >= 1 s at %.0f±10 dBFS, 20 dB above the rest: %v", b.User, hz, sent, rep)
	}
}

// talk lets an established call run for d, hangs it up from caller and
// waits until both sides have closed it.
func talk(t *testing.T, caller, callee *Baresip, d time.Duration) {
	t.Helper()
	time.Sleep(d)
	if err := caller.Hangup(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, caller, "CALL_CLOSED")
	if e := waitEvent(t, callee, "CALL_CLOSED"); e.Param != "Connection reset by peer" || e.SIPCode() != 0 {
		t.Errorf("callee CALL_CLOSED %q (code %d), want the BYE's \"Connection reset by peer\"", e.Param, e.SIPCode())
	}
}

// TestBaresipCodecsViaKamailio calls between two registered baresips through
// Kamailio with each codec and checks that each side records the other's
// tone: it validates the peer setup and the tone tools together.
func TestBaresipCodecsViaKamailio(t *testing.T) {
	Require(t, "baresip", "baresip-core")
	k := StartKamailio(t, KamailioOptions{})
	cases := []struct{ codec, transport, wantDecoder string }{
		{"opus/48000/1", "udp", "opus 48000Hz"},
		{"G722/16000/1", "udp", "G722 16000Hz"},
		{"pcmu", "udp", "PCMU 8000Hz"},
		{"pcma", "udp", "PCMA 8000Hz"},
		{"pcmu", "tcp", "PCMU 8000Hz"},
	}
	for _, c := range cases {
		t.Run(c.codec+"/"+c.transport, func(t *testing.T) {
			start := time.Now()
			bob := StartBaresip(t, BaresipOptions{User: "bob", Kamailio: k, Transport: c.transport, Codecs: []string{c.codec}, ToneHz: 1000, Record: true})
			alice := StartBaresip(t, BaresipOptions{User: "alice", Kamailio: k, Transport: c.transport, Codecs: []string{c.codec}, ToneHz: 440, Record: true})
			if bob.AOR != "sip:bob@127.0.0.1" {
				t.Errorf("bob.AOR = %q", bob.AOR)
			}
			t.Logf("two baresips registered in %v", time.Since(start))

			dialed := time.Now()
			if err := alice.Dial(bob.AOR); err != nil {
				t.Fatal(err)
			}
			in := waitEvent(t, bob, "CALL_ESTABLISHED")
			out := waitEvent(t, alice, "CALL_ESTABLISHED")
			t.Logf("established in %v", out.Time.Sub(dialed))
			if in.Direction != "incoming" || out.Direction != "outgoing" || !strings.HasPrefix(in.PeerURI, "sip:alice@") {
				t.Errorf("events: %+v / %+v", in, out)
			}
			talk(t, alice, bob, callAudio)
			for _, b := range []*Baresip{alice, bob} {
				if !strings.Contains(b.Log(), "Set audio decoder: "+c.wantDecoder) {
					t.Errorf("%s: no %q decoder in the log", b.User, c.wantDecoder)
				}
			}
			checkHears(t, alice, 1000)
			checkHears(t, bob, 440)

			if err := bob.Stop(); err != nil {
				t.Fatal(err)
			}
			if cs, err := k.Contacts("bob"); err != nil || len(cs) != 0 {
				t.Errorf("bob's contacts after quit: %q, %v (want unregistered)", cs, err)
			}
		})
	}
}

// TestBaresipDirect calls between two unregistered baresips: a rejected call
// and its SIP code, manual answer, DTMF, hold/resume and recordings that can
// be read while still being written.
func TestBaresipDirect(t *testing.T) {
	// alice plays a file of her own at 16 kHz (ausrc_srate follows it).
	wav := filepath.Join(t.TempDir(), "alice.wav")
	if err := WriteToneWAV(wav, 16000, 440, 30*time.Second, ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	alice := StartBaresip(t, BaresipOptions{User: "alice", Codecs: []string{"pcmu"}, PlayWAV: wav, Record: true})
	bob := StartBaresip(t, BaresipOptions{User: "bob", Codecs: []string{"pcmu"}, AnswerMode: "manual", Record: true})
	if want := "sip:bob@" + bob.SIPAddr; bob.AOR != want {
		t.Errorf("bob.AOR = %q, want %q", bob.AOR, want)
	}

	// Rejected: the caller's CALL_CLOSED carries the final response.
	if err := alice.Dial(bob.AOR); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, bob, "CALL_INCOMING")
	if err := bob.Hangup(); err != nil {
		t.Fatal(err)
	}
	if e := waitEvent(t, alice, "CALL_CLOSED"); e.SIPCode() != 486 {
		t.Errorf("rejected call: CALL_CLOSED %q, code %d; want 486", e.Param, e.SIPCode())
	}
	waitEvent(t, bob, "CALL_CLOSED")
	time.Sleep(time.Second) // recordings are named by the second

	if err := alice.Dial(bob.AOR); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, bob, "CALL_INCOMING")
	if err := bob.Accept(); err != nil {
		t.Fatal(err)
	}
	waitEvent(t, bob, "CALL_ESTABLISHED")
	waitEvent(t, alice, "CALL_ESTABLISHED")

	if err := bob.SendDTMF("1#"); err != nil {
		t.Fatal(err)
	}
	for _, digit := range []string{"1", "#"} {
		if e := waitEvent(t, alice, "CALL_DTMF_START"); e.Param != digit {
			t.Errorf("DTMF %q, want %q", e.Param, digit)
		}
		waitEvent(t, alice, "CALL_DTMF_END")
	}
	if err := bob.SendDTMF("x"); err == nil {
		t.Error("SendDTMF(x): no error")
	}

	// Mid-call the recording's header sizes are not yet patched.
	time.Sleep(callAudio)
	recs, err := bob.Recordings()
	if err != nil || len(recs) != 1 {
		t.Fatalf("recordings during the call: %q, %v", recs, err)
	}
	pcm, rate, _, err := ReadWAV(recs[0])
	if err != nil || len(pcm) < rate {
		t.Errorf("recording during the call: %d samples at %d Hz, %v", len(pcm), rate, err)
	}

	// baresip 1.0 stops RTP both ways during hold, and its sndfile stops
	// recording received audio for good after the re-INVITE (RTP does resume):
	// hold last, once the recordings have what they need.
	if err := bob.Hold(); err != nil {
		t.Fatal(err)
	}
	if r, err := bob.Command("listcalls", ""); err != nil || !strings.Contains(r.Data, "(on hold)") {
		t.Errorf("listcalls after hold: %q, %v", r.Data, err)
	}
	if err := bob.Resume(); err != nil {
		t.Fatal(err)
	}

	talk(t, bob, alice, 200*time.Millisecond)
	checkHears(t, bob, 440)
	checkHears(t, alice, 1000)

	if _, err := bob.Command("nosuchcommand", ""); err == nil {
		t.Error("unknown command: no error")
	}
}
