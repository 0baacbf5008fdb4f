package core_test

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/codec"
	"github.com/softphone/softphone/core/codec/codecs"
	"github.com/softphone/softphone/core/sdp"
	"github.com/softphone/softphone/core/sip"
)

// A bare SIP UA plays a transferee that misbehaves in ways baresip and
// our phone do not: it refuses the REFER, or hangs up before (or without)
// its final report.

// scriptedPeer answers hold re-INVITEs and hands REFERs to the test.
type scriptedPeer struct {
	local    sdp.Local
	referErr error
	refers   chan sip.Refer
	once     sync.Once
	hungUp   chan struct{}
}

func (h *scriptedPeer) ReOffer(offer []byte) ([]byte, error) {
	answer, _, err := sdp.Answer(offer, h.local)
	return answer, err
}
func (h *scriptedPeer) Info(string, []byte)             {}
func (h *scriptedPeer) Bye()                            { h.once.Do(func() { close(h.hungUp) }) }
func (h *scriptedPeer) ReferProgress(sip.ReferProgress) {}
func (h *scriptedPeer) Refer(r sip.Refer) error {
	h.refers <- r
	return h.referErr
}

// callFromPeer has a bare UA call x, which answers; it returns the UA's
// dialog (handled by a scriptedPeer) and x's call id.
func callFromPeer(t *testing.T, x *xferPhone, referErr error) (*sip.Dialog, *scriptedPeer, string) {
	t.Helper()
	ua, err := sip.Listen("127.0.0.1:0", sip.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ua.Close() })
	cs, err := codecs.ByNames([]string{"pcmu"})
	if err != nil {
		t.Fatal(err)
	}
	h := &scriptedPeer{referErr: referErr, refers: make(chan sip.Refer, 1), hungUp: make(chan struct{}),
		local: sdp.Local{Addr: netip.MustParseAddr("127.0.0.1"), RTPPort: 9, Codecs: []codec.Info{cs[0].Info()}, Ptime: 20, SessionID: 2, Version: 1, Username: "peer"}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got := make(chan *sip.Dialog, 1)
	go func() {
		d, _, err := ua.Invite(ctx, sip.InviteOptions{To: x.directURI(), Offer: pcmuOffer(t)})
		if err != nil {
			t.Errorf("peer's INVITE: %v", err)
		}
		got <- d
	}()
	in := x.answerNext(t)
	d := <-got
	if d == nil {
		t.FailNow()
	}
	d.SetHandler(h)
	return d, h, in.ID
}

func (h *scriptedPeer) refer(t *testing.T) sip.Refer {
	t.Helper()
	select {
	case r := <-h.refers:
		return r
	case <-time.After(3 * time.Second):
		t.Fatal("the peer got no REFER")
		return sip.Refer{}
	}
}

// transferredBy has x transfer its call id with the peer to a dead
// target and waits until the REFER reaches the peer.
func (h *scriptedPeer) transferredBy(t *testing.T, x *xferPhone, id string) sip.Refer {
	t.Helper()
	if err := x.Transfer(context.Background(), id, "sip:c@127.0.0.1:9"); err != nil {
		t.Fatal(err)
	}
	return h.refer(t)
}

// The transferee refuses: Transfer fails at once and the call comes back.
func TestTransferRefused(t *testing.T) {
	a := startXferPhone(t, "a", directConfig, 440)
	_, peer, id := callFromPeer(t, a, &sip.StatusError{Code: 603, Reason: "Decline"})
	err := a.Transfer(context.Background(), id, "sip:c@127.0.0.1:9")
	if err == nil || !strings.Contains(err.Error(), "603") {
		t.Errorf("Transfer: %v, want the 603", err)
	}
	if r := peer.refer(t); r.Target != "sip:c@127.0.0.1:9" || r.ReferredBy == "" {
		t.Errorf("peer got %+v", r)
	}
	back := a.waitFor(t, 3*time.Second, "call back", func(i call.Info) bool {
		return i.ID == id && i.State == call.Connected && strings.HasPrefix(i.Transfer, "failed")
	})
	if back.Transfer != "failed: 603 Decline" || back.LocalHold {
		t.Errorf("after the refusal: %+v", back)
	}
	if err := a.Hangup(id); err != nil {
		t.Fatal(err)
	}
	select {
	case <-peer.hungUp: // before the UA closes, or the phone's Close waits on a BYE
	case <-time.After(3 * time.Second):
		t.Error("the peer got no BYE")
	}
}

// The transferee hangs up first and reports success after: the report
// still counts, the call ends "transferred".
func TestTransferReportAfterBye(t *testing.T) {
	a := startXferPhone(t, "a", directConfig, 440)
	d, peer, id := callFromPeer(t, a, nil)
	peer.transferredBy(t, a, id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	for _, i := range a.history(id) {
		if i.State == call.Ended {
			t.Fatalf("the BYE ended the call before the report: %+v", i)
		}
	}
	if err := d.NotifyRefer(ctx, 200, "OK", true); err != nil {
		t.Fatalf("NOTIFY after BYE: %v", err)
	}
	if end := a.ended(t, id, 3*time.Second); end.Reason != "transferred" || end.Transfer != "done" {
		t.Errorf("ended %q (transfer %q), want transferred/done", end.Reason, end.Transfer)
	}
}

// The transferee hangs up and never reports: after a grace the call ends
// as hung up, with the transfer failed.
func TestTransferByeWithoutReport(t *testing.T) {
	a := startXferPhone(t, "a", directConfig, 440)
	d, peer, id := callFromPeer(t, a, nil)
	peer.transferredBy(t, a, id)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	byeAt := time.Now()
	if err := d.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	end := a.ended(t, id, 8*time.Second)
	took := time.Since(byeAt)
	if end.Reason != "remote hung up" || !strings.HasPrefix(end.Transfer, "failed: ") {
		t.Errorf("ended %q (transfer %q)", end.Reason, end.Transfer)
	}
	if took < 4*time.Second || took > 7*time.Second {
		t.Errorf("ended %v after the BYE, want the ~5 s grace", took)
	}
}
