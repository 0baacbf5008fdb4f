package sip

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"
)

// REFER and its NOTIFYs between two UAs over loopback UDP.

// referHandler is a DialogHandler that records what the far end does.
type referHandler struct {
	mu       sync.Mutex
	refers   []Refer
	referErr error
	progress chan ReferProgress
	byes     chan struct{}
}

func newReferHandler() *referHandler {
	return &referHandler{progress: make(chan ReferProgress, 16), byes: make(chan struct{}, 4)}
}

func (h *referHandler) ReOffer(offer []byte) ([]byte, error) { return offer, nil }
func (h *referHandler) Info(string, []byte)                  {}
func (h *referHandler) Bye()                                 { h.byes <- struct{}{} }
func (h *referHandler) ReferProgress(p ReferProgress)        { h.progress <- p }
func (h *referHandler) Refer(r Refer) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.refers = append(h.refers, r)
	return h.referErr
}

func (h *referHandler) refuseWith(err error) {
	h.mu.Lock()
	h.referErr = err
	h.mu.Unlock()
}

func (h *referHandler) gotRefers() []Refer {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]Refer(nil), h.refers...)
}

func (h *referHandler) next(t *testing.T) ReferProgress {
	t.Helper()
	select {
	case p := <-h.progress:
		return p
	case <-time.After(3 * time.Second):
		t.Fatal("no REFER progress within 3 s")
		return ReferProgress{}
	}
}

// callPair sets up a call from one UA to another and returns both sides'
// dialogs with recording handlers.
func callPair(t *testing.T) (caller, callee *Dialog, hCaller, hCallee *referHandler) {
	t.Helper()
	a, b := listenUA(t), listenUA(t)
	got := make(chan *Dialog, 1)
	b.HandleInvites(func(in *Incoming) {
		d, err := in.Answer([]byte("v=0\r\n"), nil) // handler set below
		if err != nil {
			t.Errorf("answer: %v", err)
		}
		got <- d
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	caller, _, err := a.Invite(ctx, InviteOptions{To: fmt.Sprintf("sip:bob@127.0.0.1:%d", b.Port()), Offer: []byte("v=0\r\n")})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case callee = <-got:
	case <-ctx.Done():
		t.Fatal("callee has no dialog")
	}
	hCaller, hCallee = newReferHandler(), newReferHandler()
	caller.SetHandler(hCaller)
	callee.SetHandler(hCallee)
	return caller, callee, hCaller, hCallee
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// TestReferBothWays: either side of a call can transfer the other; the
// transferee's NOTIFYs reach the transferor in order, the last one ends
// the subscription.
func TestReferBothWays(t *testing.T) {
	caller, callee, hCaller, hCallee := callPair(t)
	for _, dir := range []struct {
		name                 string
		from, to             *Dialog
		hTransferor, hTarget *referHandler
	}{
		{"caller transfers", caller, callee, hCaller, hCallee},
		{"callee transfers", callee, caller, hCallee, hCaller},
	} {
		t.Run(dir.name, func(t *testing.T) {
			ctx := testCtx(t)
			rep := dir.from.Replaces()
			referTo, err := FormatReferTo("sip:carol@127.0.0.1:5999", &rep)
			if err != nil {
				t.Fatal(err)
			}
			if err := dir.from.Refer(ctx, referTo, dir.from.LocalURI()); err != nil {
				t.Fatalf("REFER: %v", err)
			}
			refers := dir.hTarget.gotRefers()
			if len(refers) != 1 {
				t.Fatalf("transferee got %d REFERs", len(refers))
			}
			r := refers[0]
			if r.Target != "sip:carol@127.0.0.1:5999" || r.Replaces == nil || *r.Replaces != rep || r.ReferredBy != dir.from.LocalURI() {
				t.Fatalf("transferee got %+v (Replaces %+v); want carol, %+v, by %s", r, r.Replaces, rep, dir.from.LocalURI())
			}
			dir.hTarget.mu.Lock()
			dir.hTarget.refers = nil
			dir.hTarget.mu.Unlock()
			// A second REFER while the first is under way.
			if err := dir.from.Refer(ctx, referTo, ""); !errors.Is(err, ErrReferPending) {
				t.Errorf("second REFER: %v, want ErrReferPending", err)
			}
			for _, s := range []struct {
				code  int
				final bool
			}{{100, false}, {180, false}, {200, true}} {
				if err := dir.to.NotifyRefer(ctx, s.code, "", s.final); err != nil {
					t.Fatalf("NOTIFY %d: %v", s.code, err)
				}
				if p := dir.hTransferor.next(t); p.Code != s.code || p.Final != s.final {
					t.Fatalf("transferor got %+v, want %d final=%v", p, s.code, s.final)
				}
			}
			// The subscription is over on both sides.
			if err := dir.to.NotifyRefer(ctx, 200, "OK", true); !errors.Is(err, ErrNoRefer) {
				t.Errorf("NOTIFY after the final one: %v, want ErrNoRefer", err)
			}
			res := sendRefer(t, dir.to, "NOTIFY", "Event: refer\r\nSubscription-State: terminated\r\nContent-Type: message/sipfrag", "SIP/2.0 200 OK\r\n")
			if res.StatusCode != 481 {
				t.Errorf("late NOTIFY answered %d, want 481", res.StatusCode)
			}
		})
	}
}

// sendRefer sends a hand-made in-dialog request (method REFER or NOTIFY)
// with the given extra header lines and body, and returns the answer.
func sendRefer(t *testing.T, d *Dialog, method, headers, body string) *sip.Response {
	t.Helper()
	req := sip.NewRequest(sip.RequestMethod(method), d.remoteTarget())
	for _, line := range strings.Split(headers, "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			req.AppendHeader(sip.NewHeader(name, strings.TrimSpace(value)))
		}
	}
	if body != "" {
		req.SetBody([]byte(body))
	}
	res, err := d.do(testCtx(t), req)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return res
}

func TestReferRefusals(t *testing.T) {
	caller, callee, _, hCallee := callPair(t)
	ctx := testCtx(t)
	for _, tc := range []struct {
		name    string
		headers string
		want    int
	}{
		{"no Refer-To", "", 400},
		{"two Refer-To", "Refer-To: <sip:c@h>\r\nRefer-To: <sip:d@h>", 400},
		{"unusable Refer-To", "Refer-To: <mailto:c@h>", 400},
		{"bad Replaces", "Refer-To: <sip:c@h?Replaces=nonsense>", 400},
		{"other method", "Refer-To: <sip:c@h;method=BYE>", 501},
	} {
		if res := sendRefer(t, caller, "REFER", tc.headers, ""); res.StatusCode != tc.want {
			t.Errorf("%s: answered %d %s, want %d", tc.name, res.StatusCode, res.Reason, tc.want)
		}
	}
	if got := hCallee.gotRefers(); len(got) != 0 {
		t.Errorf("the handler saw refused REFERs: %+v", got)
	}

	// The handler refuses: its status goes back.
	hCallee.refuseWith(&StatusError{Code: 603, Reason: "Decline"})
	referTo, _ := FormatReferTo("sip:c@127.0.0.1", nil)
	var se *StatusError
	if err := caller.Refer(ctx, referTo, ""); !errors.As(err, &se) || se.Code != 603 {
		t.Errorf("refused REFER: %v, want 603", err)
	}
	hCallee.refuseWith(errors.New("no"))
	if err := caller.Refer(ctx, referTo, ""); !errors.As(err, &se) || se.Code != 603 {
		t.Errorf("REFER refused with a plain error: %v, want 603", err)
	}
	// Refused REFERs leave no subscription: the next one may go.
	hCallee.refuseWith(nil)
	if err := caller.Refer(ctx, referTo, ""); err != nil {
		t.Errorf("REFER after refusals: %v", err)
	}
	// A second one while the callee has not reported the first.
	if res := sendRefer(t, caller, "REFER", "Refer-To: <sip:c@h>", ""); res.StatusCode != 491 {
		t.Errorf("concurrent REFER answered %d, want 491", res.StatusCode)
	}
	if err := callee.NotifyRefer(ctx, 486, "Busy Here", true); err != nil {
		t.Fatal(err)
	}

	// REFERs outside any dialog: a To tag naming none, or no To tag.
	for _, tag := range []string{"nope", ""} {
		req := sip.NewRequest(sip.REFER, sip.Uri{Scheme: "sip", User: "bob", Host: "127.0.0.1", Port: callee.ua.Port()})
		from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "x", Host: "127.0.0.1"}, Params: sip.NewParams()}
		from.Params.Add("tag", "stray")
		to := &sip.ToHeader{Address: sip.Uri{Scheme: "sip", User: "bob", Host: "127.0.0.1"}, Params: sip.NewParams()}
		if tag != "" {
			to.Params.Add("tag", tag)
		}
		callID := sip.CallIDHeader("stray-refer-" + tag)
		req.AppendHeader(from)
		req.AppendHeader(to)
		req.AppendHeader(&callID)
		req.AppendHeader(&sip.CSeqHeader{SeqNo: 1, MethodName: sip.REFER})
		req.AppendHeader(sip.NewHeader("Refer-To", "<sip:c@h>"))
		res, err := caller.ua.client.Do(ctx, req)
		if err != nil {
			t.Fatalf("stray REFER: %v", err)
		}
		if res.StatusCode != 481 {
			t.Errorf("REFER outside a dialog (To tag %q) answered %d, want 481", tag, res.StatusCode)
		}
	}
}

func TestReferNotifyBadInput(t *testing.T) {
	caller, callee, hCaller, _ := callPair(t)
	ctx := testCtx(t)
	// No REFER of the callee's: no subscription.
	if res := sendRefer(t, caller, "NOTIFY", "Event: refer\r\nContent-Type: message/sipfrag", "SIP/2.0 200 OK\r\n"); res.StatusCode != 481 {
		t.Errorf("NOTIFY without REFER answered %d, want 481", res.StatusCode)
	}
	referTo, _ := FormatReferTo("sip:c@127.0.0.1", nil)
	if err := callee.Refer(ctx, referTo, ""); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, headers, body string
		want                int
	}{
		{"no Event", "Content-Type: message/sipfrag", "SIP/2.0 200 OK\r\n", 489},
		{"other event", "Event: dialog\r\nContent-Type: message/sipfrag", "SIP/2.0 200 OK\r\n", 489},
		{"other body type", "Event: refer\r\nContent-Type: text/plain", "SIP/2.0 200 OK\r\n", 415},
		{"bad sipfrag", "Event: refer\r\nContent-Type: message/sipfrag", "INVITE sip:x SIP/2.0\r\n", 400},
		{"garbage", "Event: refer;id=7\r\nContent-Type: message/sipfrag;version=2.0", "\x00\xff\xfe", 400},
	} {
		if res := sendRefer(t, caller, "NOTIFY", tc.headers, tc.body); res.StatusCode != tc.want {
			t.Errorf("%s: answered %d %s, want %d", tc.name, res.StatusCode, res.Reason, tc.want)
		}
	}
	select {
	case p := <-hCaller.progress:
		t.Errorf("bad NOTIFYs reached the handler of the other side: %+v", p)
	default:
	}
	// A good one, with id and expires, still goes through.
	if res := sendRefer(t, caller, "NOTIFY", "Event: refer;id=2\r\nSubscription-State: active;expires=60\r\nContent-Type: message/sipfrag;version=2.0", "SIP/2.0 180 Ringing\r\n"); res.StatusCode != 200 {
		t.Fatalf("good NOTIFY answered %d", res.StatusCode)
	}
}

// TestReferNotifyAfterBye: the transferee hangs up before its final
// report; the report still reaches us, then the dialog is gone.
func TestReferNotifyAfterBye(t *testing.T) {
	caller, callee, hCaller, _ := callPair(t)
	ctx := testCtx(t)
	referTo, _ := FormatReferTo("sip:c@127.0.0.1", nil)
	if err := caller.Refer(ctx, referTo, ""); err != nil {
		t.Fatal(err)
	}
	if err := callee.Bye(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-hCaller.byes:
	case <-time.After(3 * time.Second):
		t.Fatal("no BYE")
	}
	if err := callee.NotifyRefer(ctx, 200, "OK", true); err != nil {
		t.Fatalf("final NOTIFY after BYE: %v", err)
	}
	if p := hCaller.next(t); p.Code != 200 || !p.Final {
		t.Fatalf("progress %+v", p)
	}
	if caller.ua.dialogs.Load(caller.ID()) != nil {
		t.Error("the dialog outlived its last NOTIFY")
	}
}

// TestDialogReplaces: the Replaces one side writes names the dialog for
// the other side, whichever placed the call.
func TestDialogReplaces(t *testing.T) {
	caller, callee, _, _ := callPair(t)
	for _, pair := range [][2]*Dialog{{caller, callee}, {callee, caller}} {
		r := pair[0].Replaces()
		if !pair[1].MatchesReplaces(r) {
			t.Errorf("%+v does not match the far end's dialog (local %q, remote %q)", r, pair[1].LocalTag(), pair[1].RemoteTag())
		}
		if pair[0].MatchesReplaces(r) {
			t.Errorf("%+v matches its own side", r)
		}
		swapped := Replaces{CallID: r.CallID, ToTag: r.FromTag, FromTag: r.ToTag}
		if pair[1].MatchesReplaces(swapped) {
			t.Errorf("swapped tags %+v match", swapped)
		}
		if pair[1].MatchesReplaces(Replaces{CallID: r.CallID + "x", ToTag: r.ToTag, FromTag: r.FromTag}) {
			t.Error("another Call-ID matches")
		}
	}
	if caller.LocalTag() == "" || caller.RemoteTag() == "" || caller.LocalTag() != callee.RemoteTag() {
		t.Errorf("tags: caller %q/%q, callee %q/%q", caller.LocalTag(), caller.RemoteTag(), callee.LocalTag(), callee.RemoteTag())
	}
}
