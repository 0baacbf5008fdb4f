package core_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/internal/testlab"
)

// TestICEWithBaresip: DTLS-SRTP over ICE with baresip (`medianat=ice`,
// both sides learning their mapped address from a loopback coturn), both
// directions: the call is encrypted, reports its path, and carries the
// tones both ways.
func TestICEWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	turn := testlab.StartCoturn(t)
	for _, weCall := range []bool{true, false} {
		name := "they-call"
		if weCall {
			name = "we-call"
		}
		t.Run(name, func(t *testing.T) {
			bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000, Record: true,
				MediaEnc: "dtls_srtp", MediaNAT: "ice", STUNServer: "stun:" + turn.Addr, RTCPMux: true})
			cfg := aliceConfig(k) + fmt.Sprintf("media_encryption = \"dtls\"\nmedia_encryption_mandatory = true\nstun_server = %q\n", turn.Addr)
			alice := startTonePhone(t, cfg, 500, []string{"pcmu"})
			waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
			id := connectWithBaresip(t, alice, bob, k, weCall)
			waitInfo(t, alice.Engine, id, 10*time.Second, "DTLS-SRTP", func(i call.Info) bool { return i.Encryption == call.EncryptionDTLS })
			st := waitFor(t, alice.events, 10*time.Second, "stats with a path", func(e core.Event) bool {
				s, ok := e.(core.CallStatsEvent)
				return ok && s.CallID == id && s.Stats.Path != ""
			}).(core.CallStatsEvent)
			t.Logf("ICE path: %s", st.Stats.Path)
			time.Sleep(2500 * time.Millisecond)
			hangUpAndHear(t, alice, id, bob, 500, 1000)
		})
	}
}

// TestTURNWithBaresip: baresip relays all its media through coturn
// (`medianat=turn`); our phone, SDES-encrypted, talks to the relayed
// address, and the capture shows the audio crossing the relay both ways.
func TestTURNWithBaresip(t *testing.T) {
	testlab.Require(t, "kamailio", "kamailio")
	testlab.Require(t, "baresip", "baresip-core")
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	turn := testlab.StartCoturn(t)
	capture := testlab.StartCapture(t, testlab.PortRange(turn.RelayPorts[0], turn.RelayPorts[1])...)
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}, ToneHz: 1000, Record: true,
		MediaEnc: "srtp-mand", MediaNAT: "turn", STUNServer: "turn:" + turn.Addr, STUNUser: turn.User, STUNPass: turn.Pass})
	alice := startTonePhone(t, secureConfig(k, "srtp", true), 500, []string{"pcmu"})
	waitStatus(t, alice.events, "alice", 10*time.Second, account.Registered)
	id, err := alice.Dial(context.Background(), "sip:bob@"+k.Domain, core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, alice.events, 10*time.Second, call.Connected)
	waitInfo(t, alice.Engine, id, 10*time.Second, "SRTP", func(i call.Info) bool { return i.Encryption == call.EncryptionSRTP })
	time.Sleep(2500 * time.Millisecond)
	hangUpAndHear(t, alice, id, bob, 500, 1000)
	// Our RTP goes to the relayed address and comes from it: datagrams
	// between a relay port and a port outside the relay range.
	inRelay := func(p uint16) bool { return int(p) >= turn.RelayPorts[0] && int(p) <= turn.RelayPorts[1] }
	var toRelay, fromRelay int
	for _, p := range capture.All() {
		switch {
		case inRelay(p.Dst.Port()) && !inRelay(p.Src.Port()):
			toRelay++
		case inRelay(p.Src.Port()) && !inRelay(p.Dst.Port()):
			fromRelay++
		}
	}
	t.Logf("relay: %d datagrams in, %d out", toRelay, fromRelay)
	if toRelay < 100 || fromRelay < 100 {
		t.Fatalf("relay carried %d datagrams in and %d out, want a call's worth each way", toRelay, fromRelay)
	}
}
