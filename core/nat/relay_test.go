package nat

import (
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/internal/testlab"
)

// TestICERelayOnly: a path that may only use TURN connects to an ordinary
// one through coturn, and media flows both ways through the relay.
func TestICERelayOnly(t *testing.T) {
	turn := testlab.StartCoturn(t)
	a := listen(t, Config{ICE: true, RelayOnly: true, TURN: turn.Addr, TURNUser: turn.User, TURNPass: turn.Pass})
	b := listen(t, Config{ICE: true})
	l := a.Local()
	if len(l.Candidates) == 0 {
		t.Fatalf("no relay candidate gathered; coturn log:\n%s", turn.Log())
	}
	for _, c := range l.Candidates {
		if !strings.Contains(c, "typ relay") {
			t.Fatalf("relay-only path gathered %s", c)
		}
	}
	connect(t, a, b)
	if a.Selected() != "relay" {
		t.Fatalf("a.Selected() = %q, want relay", a.Selected())
	}
	fromA, fromB := exchange(t, a, b)
	if fromA == a.Addr() {
		t.Fatalf("b heard a's host socket %s, not the relay", fromA)
	}
	if fromB != b.Addr() {
		t.Fatalf("a heard %s, want b at %s", fromB, b.Addr())
	}
	// More than one packet, both ways, after selection settled.
	for range 3 {
		exchange(t, a, b)
	}
}

// TestRelayAndSrflxGathered: with TURN (and coturn as STUN) a path gathers
// host, server-reflexive (on the host socket) and relayed candidates.
func TestRelayAndSrflxGathered(t *testing.T) {
	turn := testlab.StartCoturn(t)
	p := listen(t, Config{ICE: true, STUN: turn.Addr, TURN: turn.Addr, TURNUser: turn.User, TURNPass: turn.Pass})
	types := map[string]string{}
	for _, s := range p.Local().Candidates {
		c, err := ParseCandidate(s)
		if err != nil {
			t.Fatalf("our own candidate %q: %v", s, err)
		}
		types[c.Type().String()] = s
	}
	for _, typ := range []string{"host", "srflx", "relay"} {
		if types[typ] == "" {
			t.Errorf("no %s candidate in %q", typ, p.Local().Candidates)
		}
	}
	// Loopback has no NAT: the mapped address is the host socket itself,
	// which proves the STUN request left from it.
	if s := types["srflx"]; s != "" && !strings.Contains(s, p.Addr().Addr().String()+" "+itoa(p.Addr().Port())+" typ srflx") {
		t.Errorf("srflx %q is not the host socket %s", s, p.Addr())
	}
}

// TestCloseWithTURNGone: hanging up must not wait on a TURN server that
// vanished (the allocation's release goes unanswered).
func TestCloseWithTURNGone(t *testing.T) {
	turn := testlab.StartCoturn(t)
	a := listen(t, Config{ICE: true, RelayOnly: true, TURN: turn.Addr, TURNUser: turn.User, TURNPass: turn.Pass})
	b := listen(t, Config{ICE: true})
	connect(t, a, b)
	turn.Stop()
	start := time.Now()
	closed := make(chan error, 1)
	go func() { closed <- a.Close() }()
	select {
	case <-closed:
		t.Logf("Close took %v", time.Since(start))
	case <-time.After(3 * time.Second):
		t.Fatal("Close blocked on the dead TURN server for 3 s")
	}
}
