package sip

import (
	"context"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

// fakePeer is a UDP SIP peer for tests: requests from the UA go to
// handle (its answer, "" for none, is sent back; retransmissions get the
// same answer), responses to what the test sent arrive on responses.
type fakePeer struct {
	t         *testing.T
	conn      net.PacketConn
	responses chan *sip.Response
	mu        sync.Mutex
	reqs      []*sip.Request
	seen      chan *sip.Request
}

func newFakePeer(t *testing.T, handle func(req *sip.Request) string) *fakePeer {
	t.Helper()
	f := &fakePeer{t: t, responses: make(chan *sip.Response, 16), seen: make(chan *sip.Request, 32)}
	f.conn = serveUDP(t, func(req *sip.Request, _ string, _ net.Addr) string {
		f.mu.Lock()
		f.reqs = append(f.reqs, req)
		f.mu.Unlock()
		answer := handle(req)
		f.seen <- req
		return answer
	}, func(r *sip.Response) { f.responses <- r }, func(b string) {
		t.Errorf("fake peer: unparsable %s", b)
	})
	return f
}

func (f *fakePeer) addr() string { return f.conn.LocalAddr().String() }

// next returns the next new request from the UA.
func (f *fakePeer) next(within time.Duration) *sip.Request {
	f.t.Helper()
	select {
	case r := <-f.seen:
		return r
	case <-time.After(within):
		f.t.Fatalf("no request from the UA within %v", within)
		return nil
	}
}

// send writes a raw request to the UA and returns its final answer.
func (f *fakePeer) send(ua *UA, raw string) *sip.Response {
	f.t.Helper()
	if _, err := f.conn.WriteTo([]byte(raw), ua.Addr()); err != nil {
		f.t.Fatal(err)
	}
	for {
		select {
		case r := <-f.responses:
			if r.IsProvisional() {
				continue
			}
			return r
		case <-time.After(3 * time.Second):
			f.t.Fatal("no answer from the UA")
			return nil
		}
	}
}

// notifyFor builds a NOTIFY in the subscription dialog of sub.
func notifyFor(f *fakePeer, ua *UA, sub *sip.Request, cseq int, state, body string) string {
	fromTag, _ := sub.From().Params.Get("tag")
	return fmt.Sprintf("NOTIFY sip:%s@%s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bKn%d%d\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: <sip:bob@127.0.0.1>;tag=srv\r\n"+
		"To: <sip:alice@127.0.0.1>;tag=%s\r\n"+
		"Call-ID: %s\r\n"+
		"CSeq: %d NOTIFY\r\n"+
		"Contact: <sip:notifier@%s>\r\n"+
		"Event: dialog\r\n"+
		"Subscription-State: %s\r\n"+
		"Content-Type: application/dialog-info+xml\r\n"+
		"Content-Length: %d\r\n\r\n%s",
		"alice", ua.Addr(), f.addr(), time.Now().UnixNano(), cseq, fromTag, sub.CallID().Value(), cseq, f.addr(), state, len(body), body)
}

func TestSubscriptionLifecycle(t *testing.T) {
	ua := listenUA(t)
	var mu sync.Mutex
	n := 0
	f := newFakePeer(t, func(req *sip.Request) string {
		if req.Method != sip.SUBSCRIBE {
			return siptest.ReplyTag(req, "405 Method Not Allowed", "srv")
		}
		mu.Lock()
		defer mu.Unlock()
		n++
		switch {
		case n == 1:
			return siptest.ReplyTag(req, "401 Unauthorized", "srv", `WWW-Authenticate: Digest realm="127.0.0.1", nonce="n1", qop="auth"`)
		case n == 3: // the first refresh: the server forgot us
			return siptest.ReplyTag(req, "481 Call/Transaction Does Not Exist", "srv")
		}
		return siptest.ReplyTag(req, "200 OK", "srv", "Expires: 2", "Contact: <sip:notifier@127.0.0.1:1>")
	})
	notes := make(chan Notification, 16)
	states := make(chan SubscriptionState, 16)
	sub, err := ua.Subscribe(SubscribeOptions{
		From: Target{Username: "alice", Password: "pw", Domain: "127.0.0.1", Proxy: f.addr(), Transport: "udp"},
		To:   "sip:bob@127.0.0.1", Event: "dialog", Accept: []string{"application/dialog-info+xml"},
		Notify: func(n Notification) { notes <- n }, State: func(s SubscriptionState) { states <- s },
		RetryMin: 50 * time.Millisecond, RetryMax: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}

	first := f.next(3 * time.Second)
	if first.GetHeader("Authorization") != nil || first.GetHeader("Event").Value() != "dialog" || first.GetHeader("Accept").Value() != "application/dialog-info+xml" {
		t.Fatalf("first SUBSCRIBE:\n%s", first)
	}
	authed := f.next(3 * time.Second)
	if authed.GetHeader("Authorization") == nil || authed.CallID().Value() != first.CallID().Value() || authed.CSeq().SeqNo <= first.CSeq().SeqNo {
		t.Fatalf("challenged SUBSCRIBE not answered in the same dialog:\n%s", authed)
	}
	if s := <-states; !s.Active {
		t.Fatalf("state after 200: %+v", s)
	}

	// NOTIFYs in the dialog: delivered in CSeq order, a late older one dropped.
	for _, tc := range []struct {
		cseq int
		body string
	}{{1, "one"}, {3, "three"}, {2, "two"}} {
		res := f.send(ua, notifyFor(f, ua, authed, tc.cseq, "active;expires=2", tc.body))
		if res.StatusCode != 200 {
			t.Fatalf("NOTIFY %d answered %d", tc.cseq, res.StatusCode)
		}
	}
	for i, want := range []string{"one", "three"} {
		select {
		case got := <-notes:
			if string(got.Body) != want || got.First != (i == 0) || got.State != "active" || got.ContentType != "application/dialog-info+xml" {
				t.Fatalf("notification %d: %+v (body %q), want %q", i, got, got.Body, want)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("notification %q not delivered", want)
		}
	}
	select {
	case got := <-notes:
		t.Fatalf("stale NOTIFY delivered: %q", got.Body)
	case <-time.After(100 * time.Millisecond):
	}
	// Malformed NOTIFYs in the dialog: refused, not delivered.
	wrongEvent := strings.Replace(notifyFor(f, ua, authed, 4, "active", "x"), "Event: dialog", "Event: presence", 1)
	if res := f.send(ua, wrongEvent); res.StatusCode != 489 {
		t.Fatalf("NOTIFY for another event answered %d, want 489", res.StatusCode)
	}
	noState := strings.Replace(notifyFor(f, ua, authed, 5, "active", "x"), "Subscription-State: active\r\n", "", 1)
	if res := f.send(ua, noState); res.StatusCode != 400 {
		t.Fatalf("NOTIFY without Subscription-State answered %d, want 400", res.StatusCode)
	}

	// Refresh before expiry, in the dialog, to the notifier's Contact.
	refresh := f.next(4 * time.Second)
	if refresh.CallID().Value() != authed.CallID().Value() || refresh.CSeq().SeqNo <= authed.CSeq().SeqNo ||
		refresh.Recipient.User != "notifier" || !refresh.To().Params.Has("tag") {
		t.Fatalf("refresh not in the dialog:\n%s", refresh)
	}
	// It got 481: a new subscription (new Call-ID) follows.
	again := f.next(3 * time.Second)
	if again.CallID().Value() == authed.CallID().Value() || again.To().Params.Has("tag") {
		t.Fatalf("re-subscribe after 481 reused the dialog:\n%s", again)
	}
	// A NOTIFY for the old dialog is not ours any more (after the linger
	// it gets 481; meanwhile it is answered and dropped).
	if res := f.send(ua, notifyFor(f, ua, authed, 9, "active", "late")); res.StatusCode != 200 {
		t.Fatalf("late NOTIFY of the left dialog answered %d", res.StatusCode)
	}
	// The server ends the new one: it starts over again.
	if res := f.send(ua, notifyFor(f, ua, again, 1, "terminated;reason=deactivated", "")); res.StatusCode != 200 {
		t.Fatalf("terminating NOTIFY answered %d", res.StatusCode)
	}
	third := f.next(3 * time.Second)
	if third.CallID().Value() == again.CallID().Value() {
		t.Fatalf("no new subscription after the terminated NOTIFY:\n%s", third)
	}
	for len(notes) > 0 {
		if got := <-notes; string(got.Body) == "late" {
			t.Fatal("NOTIFY of a left dialog delivered")
		}
	}

	// Stop: an unsubscribe in the current dialog.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	sub.Stop(ctx)
	var unsub *sip.Request
	for unsub == nil {
		r := f.next(3 * time.Second)
		if r.CallID().Value() == third.CallID().Value() && r.GetHeader("Expires").Value() == "0" {
			unsub = r
		}
	}
	if unsub.CSeq().SeqNo <= third.CSeq().SeqNo {
		t.Fatalf("unsubscribe CSeq %d not above %d", unsub.CSeq().SeqNo, third.CSeq().SeqNo)
	}
}

func TestNotifyRouting(t *testing.T) {
	ua := listenUA(t)
	f := newFakePeer(t, func(req *sip.Request) string { return "" })
	// No subscription: 481 (the INVITE dialogs' handler answers).
	raw := notifyFor(f, ua, fakeSubscribe(), 1, "active", "x")
	if res := f.send(ua, raw); res.StatusCode != 481 {
		t.Fatalf("stray NOTIFY answered %d, want 481", res.StatusCode)
	}
	// Unsolicited message-summary (no To tag): 481 until a handler is
	// set, then its answer.
	mwi := strings.Replace(strings.Replace(raw, "Event: dialog", "Event: message-summary", 1), "branch=z9hG4bKn", "branch=z9hG4bKm", 1)
	mwi = strings.Replace(mwi, "Content-Type: application/dialog-info+xml", "Content-Type: application/simple-message-summary", 1)
	inDialog := mwi
	mwi = strings.Replace(mwi, ">;tag=nobody\r\n", ">\r\n", 1)
	if res := f.send(ua, mwi); res.StatusCode != 481 {
		t.Fatalf("MWI without a handler answered %d, want 481", res.StatusCode)
	}
	got := make(chan MWINotify, 2)
	ua.HandleMWI(func(n MWINotify) (int, string) { got <- n; return 200, "OK" })
	mwi = strings.Replace(mwi, "branch=z9hG4bKm", "branch=z9hG4bKo", 1)
	if res := f.send(ua, mwi); res.StatusCode != 200 {
		t.Fatalf("MWI answered %d", res.StatusCode)
	}
	// One with a To tag claims a subscription we do not have (one we
	// left, say): 481 even with the handler set, and not delivered.
	inDialog = strings.Replace(inDialog, "branch=z9hG4bKm", "branch=z9hG4bKp", 1)
	if res := f.send(ua, inDialog); res.StatusCode != 481 {
		t.Fatalf("MWI NOTIFY with an unknown To tag answered %d, want 481", res.StatusCode)
	}
	n := <-got
	select {
	case extra := <-got:
		t.Fatalf("MWI NOTIFY of no subscription delivered: %+v", extra)
	default:
	}
	if n.User != "alice" || string(n.Body) != "x" || n.ContentType != "application/simple-message-summary" {
		t.Fatalf("MWI %+v", n)
	}
}

// fakeSubscribe is a SUBSCRIBE we never sent (for stray NOTIFYs).
func fakeSubscribe() *sip.Request {
	req := sip.NewRequest(sip.SUBSCRIBE, sip.Uri{Scheme: "sip", User: "bob", Host: "127.0.0.1"})
	from := &sip.FromHeader{Address: sip.Uri{Scheme: "sip", User: "alice", Host: "127.0.0.1"}, Params: sip.NewParams()}
	from.Params.Add("tag", "nobody")
	callID := sip.CallIDHeader("stray-call")
	req.AppendHeader(from)
	req.AppendHeader(&callID)
	return req
}

func TestSubscribeRejectsBadOptions(t *testing.T) {
	ua := listenUA(t)
	good := SubscribeOptions{From: Target{Username: "a", Domain: "h", Transport: "udp"}, To: "sip:b@h", Event: "dialog"}
	for name, mod := range map[string]func(*SubscribeOptions){
		"event with space":   func(o *SubscribeOptions) { o.Event = "dia log" },
		"event with CRLF":    func(o *SubscribeOptions) { o.Event = "dialog\r\nX: y" },
		"accept with CRLF":   func(o *SubscribeOptions) { o.Accept = []string{"a/b\r\nX: y"} },
		"target with CRLF":   func(o *SubscribeOptions) { o.To = "sip:b@h\r\nX: y" },
		"unknown transport":  func(o *SubscribeOptions) { o.From.Transport = "sctp" },
		"accept with commas": func(o *SubscribeOptions) { o.Accept = []string{"a/b, c/d"} },
	} {
		o := good
		mod(&o)
		if s, err := ua.Subscribe(o); err == nil {
			s.Stop(context.Background())
			t.Errorf("%s: accepted", name)
		}
	}
}
