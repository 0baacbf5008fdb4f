package sdp

import (
	"net/netip"
	"testing"

	"github.com/softphone/softphone/core/codec"
)

// TestRoundTrip runs our Offer through our Answer and the answer through
// ParseAnswer: both ends must agree on codec, PTs and addresses.
func TestRoundTrip(t *testing.T) {
	renumbered := opus()
	renumbered.PayloadType = 96
	tests := []struct {
		name           string
		offerer        []codec.Info
		answerer       []codec.Info
		offerDir       Direction
		want           string
		wantDTMF       bool
		wantOfferer    Direction
		wantAnswerer   Direction
		answererNoDTMF bool
	}{
		{"same preferences", nil, nil, SendRecv, "opus", true, SendRecv, SendRecv, false},
		{"answerer prefers G.711", nil, []codec.Info{pcma(), pcmu()}, SendRecv, "PCMA", true, SendRecv, SendRecv, false},
		{"answerer numbers opus differently", nil, []codec.Info{renumbered}, SendOnly, "opus", true, SendOnly, RecvOnly, false},
		{"offerer G.722 only", []codec.Info{g722()}, nil, Inactive, "G722", true, Inactive, Inactive, false},
		{"answerer without DTMF", nil, nil, RecvOnly, "opus", false, RecvOnly, SendOnly, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testLocal(tt.offerer...)
			a.Direction = tt.offerDir
			b := testLocal(tt.answerer...)
			b.Addr, b.RTPPort, b.DTMF = netip.MustParseAddr("2001:db8::b"), 50000, !tt.answererNoDTMF

			offer, err := Offer(a)
			if err != nil {
				t.Fatal(err)
			}
			answer, nb, err := Answer(offer, b)
			if err != nil {
				t.Fatalf("Answer: %v\n%s", err, offer)
			}
			na, err := ParseAnswer(a, answer)
			if err != nil {
				t.Fatalf("ParseAnswer: %v\n%s", err, answer)
			}
			if na.Codec.Name != tt.want || nb.Codec.Name != tt.want {
				t.Errorf("codecs %s / %s, want %s", na.Codec.Name, nb.Codec.Name, tt.want)
			}
			// What one side sends with is what the other expects.
			if na.Codec.PayloadType != nb.RecvPT || nb.Codec.PayloadType != na.RecvPT {
				t.Errorf("PTs: offerer sends %d recv %d, answerer sends %d recv %d",
					na.Codec.PayloadType, na.RecvPT, nb.Codec.PayloadType, nb.RecvPT)
			}
			if na.DTMFPT != nb.RecvDTMFPT || nb.DTMFPT != na.RecvDTMFPT || (na.DTMFPT != 0) != tt.wantDTMF {
				t.Errorf("DTMF: offerer %d/%d, answerer %d/%d", na.DTMFPT, na.RecvDTMFPT, nb.DTMFPT, nb.RecvDTMFPT)
			}
			if na.Direction != tt.wantOfferer || nb.Direction != tt.wantAnswerer {
				t.Errorf("directions %s / %s, want %s / %s", na.Direction, nb.Direction, tt.wantOfferer, tt.wantAnswerer)
			}
			if na.Remote != netip.AddrPortFrom(b.Addr, 50000) || na.RemoteRTCP.Port() != 50001 ||
				nb.Remote != netip.AddrPortFrom(a.Addr, 40000) || nb.RemoteRTCP.Port() != 40001 {
				t.Errorf("addresses: offerer sends to %v/%v, answerer to %v/%v", na.Remote, na.RemoteRTCP, nb.Remote, nb.RemoteRTCP)
			}
			if na.RemoteSession.ID != b.SessionID || nb.RemoteSession.Version != a.Version {
				t.Errorf("sessions %+v / %+v", na.RemoteSession, nb.RemoteSession)
			}
		})
	}
}
