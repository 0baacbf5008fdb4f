package sip

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

// TestCancelThroughProxyAfterLateTrying: the proxy's 100 Trying comes after
// the far end's 180 (sipgo hands each response to its own goroutine, so
// this happens); the caller hangs up then. The CANCEL must still go to the
// proxy, which the 180's Record-Route names, not to the request URI's
// host on port 5060.
func TestCancelThroughProxyAfterLateTrying(t *testing.T) {
	ua := listenUA(t)
	var proxy net.PacketConn
	ready := make(chan struct{}) // proxy is set
	var invite *sip.Request      // the handler's goroutine only
	cancels := make(chan *sip.Request, 1)
	f := newFakePeer(t, func(req *sip.Request) string {
		<-ready
		switch req.Method {
		case sip.INVITE:
			invite = req
			to := ua.Addr()
			rr := "Record-Route: <sip:" + proxy.LocalAddr().String() + ";lr>"
			if _, err := proxy.WriteTo([]byte(siptest.ReplyTag(req, "180 Ringing", "callee", rr)), to); err != nil {
				t.Error(err)
			}
			go func() {
				time.Sleep(50 * time.Millisecond) // after the 180, on purpose
				_, _ = proxy.WriteTo([]byte(siptest.ReplyTag(req, "100 Trying", "")), to)
			}()
			return ""
		case sip.CANCEL:
			cancels <- req
			_, _ = proxy.WriteTo([]byte(siptest.ReplyTag(invite, "487 Request Terminated", "callee")), ua.Addr())
			return siptest.ReplyTag(req, "200 OK", "")
		}
		return ""
	})
	proxy = f.conn
	close(ready)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	sawRinging := false
	from := &Target{Username: "alice", Domain: "127.0.0.1", Proxy: f.addr(), Transport: "udp"}
	done := make(chan error, 1)
	go func() {
		_, _, err := ua.Invite(ctx, InviteOptions{From: from, To: "sip:bob@127.0.0.1", Offer: []byte("v=0\r\n"),
			Progress: func(code int, _ string, _ []byte) {
				switch {
				case code == 180:
					sawRinging = true
				case code == 100 && sawRinging:
					cancel() // the user hangs up once the late 100 is in
				}
			}})
		done <- err
	}()
	select {
	case req := <-cancels:
		if req.CallID() == nil {
			t.Fatal("CANCEL without Call-ID")
		}
	case <-time.After(3 * time.Second):
		t.Fatal("no CANCEL reached the proxy within 3s")
	}
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("Invite after cancel: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Invite did not return after the CANCEL")
	}
}
