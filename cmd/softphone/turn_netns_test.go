package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestCallThroughTURNBetweenNamespaces: two copies of the program in two
// network namespaces that only a router namespace joins, and the router
// forwards SIP alone: media cannot go from one phone to the other, so the
// call's audio must cross coturn (running on the router) as a relay. Both
// ends use ICE with TURN and DTLS-SRTP; the tones cross both ways and the
// caller reports a relayed, encrypted call.
func TestCallThroughTURNBetweenNamespaces(t *testing.T) {
	testlab.Require(t, "turnserver", "coturn")
	topo := testlab.NewNetTopology(t)
	const sipPort = 5060
	topo.ForwardOnly(t, sipPort)
	turn := testlab.StartCoturnIn(t, topo)
	nsA, nsB, _ := topo.Names()
	bin := buildBinary(t)
	dir := t.TempDir()
	toneA, toneB := filepath.Join(dir, "1000.wav"), filepath.Join(dir, "440.wav")
	recA, recB := filepath.Join(dir, "a.wav"), filepath.Join(dir, "b.wav")
	if err := testlab.WriteToneWAV(toneA, 48000, 1000, 8*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	if err := testlab.WriteToneWAV(toneB, 48000, 440, 8*time.Second, testlab.ToneAmplitude); err != nil {
		t.Fatal(err)
	}
	// Each phone's account points at the other (there is no registrar,
	// so the calls are direct ones, which the phones must allow): what
	// matters is that calls on it use ICE through the relay.
	account := func(name string, self, peer, turnAddr string) string {
		return fmt.Sprintf(`[sip]
listen = "%s:%d"
allow_direct = true

[[account]]
name = %q
username = %q
password = "unused"
domain = "%s:%d"
expires = 3600
media_encryption = "dtls"
media_encryption_mandatory = true
turn_server = %q
turn_username = %q
turn_password = %q
`, self, sipPort, name, name, peer, sipPort, turnAddr, turn.User, turn.Pass)
	}
	cfgB := writeFile(t, account("bob", topo.AddrB().String(), topo.AddrA().String(), turn.AddrOn(topo.AddrRB().String())))
	cfgA := writeFile(t, account("alice", topo.AddrA().String(), topo.AddrB().String(), turn.AddrOn(topo.AddrRA().String())))

	answer := startAnswering(t, topo.Command(nsB, bin, "answer", "--config", cfgB, "--count", "1", "--json", "--play", toneB, "--record", recB))
	start := time.Now()
	caller := topo.Command(nsA, bin, "call", fmt.Sprintf("sip:bob@%s:%d", topo.AddrB(), sipPort), "--account", "alice",
		"--config", cfgA, "--json", "--play", toneA, "--record", recA, "--hangup-after", "3s")
	out, err := caller.Output()
	if err != nil {
		t.Fatalf("call: %v\n%s", err, out)
	}
	t.Logf("relayed call done in %v", time.Since(start))
	evs := jsonEvents(t, string(out))
	if c, m := findEvent(evs, "call", "state", "connected"), findEvent(evs, "media", "state", "flowing"); c != nil && m != nil {
		answered, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(c["answered"]))
		flowing, _ := time.Parse(time.RFC3339Nano, fmt.Sprint(m["at"]))
		t.Logf("200 OK → relayed, decrypted media: %v", flowing.Sub(answered))
	}
	if findEvent(evs, "call", "encryption", "dtls-srtp") == nil {
		t.Errorf("no call event says dtls-srtp:\n%s", out)
	}
	if findEvent(evs, "stats", "path", "relay") == nil && !strings.Contains(string(out), `"path":"relay"`) {
		t.Errorf("no stats say the path is relayed:\n%s", out)
	}
	answer.wait(t, 10*time.Second)
	checkTone(t, recA, 440)
	checkTone(t, recB, 1000)
}
