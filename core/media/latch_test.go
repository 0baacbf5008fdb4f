package media

import (
	"testing"
	"time"

	"github.com/pion/rtp"
)

// TestLatchGivesWayToTheSDPAddress: a packet from elsewhere reaching B
// before A's first one (a relay not ready yet, or an injector drawing
// the media to itself) draws B's sending there; A's packets, from the
// very address B's SDP names, bring it back for good, and later packets
// from the stray source do not draw it away again.
func TestLatchGivesWayToTheSDPAddress(t *testing.T) {
	t.Parallel()
	p := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 0, SequenceNumber: 7, Timestamp: 160, SSRC: 0xbad}, Payload: make([]byte, 160)}
	stray, err := p.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	a, _ := newCall(t, callOpts{before: func(_, b *peer) {
		raw, to := rawTo(t, b)
		if _, err := raw.WriteToUDPAddrPort(stray, to); err != nil {
			t.Fatal(err)
		}
		go func() {
			for range 20 { // strays among A's packets too
				time.Sleep(20 * time.Millisecond)
				_, _ = raw.WriteToUDPAddrPort(stray, to)
			}
		}()
	}})
	if !waitFor(5*time.Second, func() bool { return a.s.Stats().PacketsReceived >= 50 }) {
		t.Errorf("A received %d packets in 5 s: B still sends to the stray source", a.s.Stats().PacketsReceived)
	}
	waitTone(t, "A hears B", a.dev, toneB)
}
