package core_test

import (
	"context"
	"errors"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/sip"
)

// TestReplacesAtTarget plays the transferee with a bare SIP UA against our
// phone as the transfer target: INVITEs whose Replaces is malformed, names
// no dialog of ours or asks for an early one are refused and change
// nothing; the right one takes the call over at once.
func TestReplacesAtTarget(t *testing.T) {
	c := startXferPhone(t, "c", directConfig, 1300)
	ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	offer := pcmuOffer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	type result struct {
		d   *sip.Dialog
		err error
	}
	dialed := make(chan result, 1)
	go func() {
		d, _, err := ua.Invite(ctx, sip.InviteOptions{To: c.directURI(), Offer: offer})
		dialed <- result{d, err}
	}()
	first := c.answerNext(t)
	r := <-dialed
	if r.err != nil {
		t.Fatal(r.err)
	}
	d := r.d
	good := d.Replaces()

	for _, tc := range []struct {
		name     string
		replaces string
		code     int
	}{
		{"garbage", "no tags here", 400},
		{"tag twice", good.String() + ";to-tag=x", 400},
		{"other Call-ID", sip.Replaces{CallID: "x" + good.CallID, ToTag: good.ToTag, FromTag: good.FromTag}.String(), 481},
		{"tags swapped", sip.Replaces{CallID: good.CallID, ToTag: good.FromTag, FromTag: good.ToTag}.String(), 481},
		{"early-only", good.String() + ";early-only", 486},
	} {
		_, _, err := ua.Invite(ctx, sip.InviteOptions{To: c.directURI(), Offer: offer, Headers: []sip.Header{{Name: "Replaces", Value: tc.replaces}}})
		var se *sip.StatusError
		if !errors.As(err, &se) || se.Code != tc.code {
			t.Errorf("%s: INVITE answered %v, want %d", tc.name, err, tc.code)
		}
	}
	if calls := c.Calls(); len(calls) != 1 || calls[0].ID != first.ID || !calls[0].Established() {
		t.Fatalf("after refused INVITEs the target has %+v, want only its first call, up", calls)
	}

	d2, _, err := ua.Invite(ctx, sip.InviteOptions{To: c.directURI(), Offer: offer, Headers: []sip.Header{{Name: "Replaces", Value: good.String()}}})
	if err != nil {
		t.Fatalf("INVITE with the right Replaces: %v", err)
	}
	if end := c.ended(t, first.ID, 3*time.Second); end.Reason != "replaced" {
		t.Errorf("replaced call ended %q", end.Reason)
	}
	select {
	case <-d.Context().Done(): // the target hung up the replaced dialog
	case <-time.After(3 * time.Second):
		t.Error("the replaced dialog got no BYE")
	}
	now := c.Calls()
	if len(now) != 1 || now[0].ID == first.ID || now[0].State != call.Connected {
		t.Fatalf("target's calls after the replacement: %+v", now)
	}
	for _, i := range c.history(now[0].ID) {
		if i.State == call.Incoming {
			t.Errorf("the replacing call rang: %+v", i)
		}
	}
	if err := d2.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	c.ended(t, now[0].ID, 3*time.Second)
}

// pcmuOffer is an SDP offer for PCMU at an address nobody reads.
func pcmuOffer(t *testing.T) []byte {
	t.Helper()
	cs, err := codecs.ByNames([]string{"pcmu"})
	if err != nil {
		t.Fatal(err)
	}
	offer, err := sdp.Offer(sdp.Local{Addr: netip.MustParseAddr("127.0.0.1"), RTPPort: 9, Codecs: []codec.Info{cs[0].Info()},
		Ptime: 20, SessionID: 1, Version: 1, Username: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return offer
}
