package sip

import (
	"context"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

func TestRefreshAfterClamps(t *testing.T) {
	day := 24 * time.Hour * 85 / 100
	for granted, want := range map[int]time.Duration{
		0:                  0,
		-5:                 0,
		100:                85 * time.Second,
		3600:               3060 * time.Second,
		MaxGranted:         day,
		9223372037:         day, // × 1e9 overflows int64: negative before the clamp
		99999999999:        day,
		1 << 40:            day,
		int(^uint(0) >> 1): day,
	} {
		if got := RefreshAfter(granted); got != want {
			t.Errorf("RefreshAfter(%d) = %v, want %v", granted, got, want)
		}
	}
	res := sip.NewResponse(200, "OK")
	res.AppendHeader(sip.NewHeader("Expires", "9223372037"))
	if got := grantedExpires(res, 3600); got != MaxGranted {
		t.Errorf("grantedExpires(9223372037) = %d, want %d", got, MaxGranted)
	}
}

// A notifier granting an absurd lifetime gets no refresh storm: the next
// refresh is due in a day, not at once.
func TestHugeGrantedExpiresNoStorm(t *testing.T) {
	ua := listenUA(t)
	f := newFakePeer(t, func(req *sip.Request) string {
		return siptest.ReplyTag(req, "200 OK", "srv", "Expires: 99999999999", "Contact: <sip:notifier@127.0.0.1:1>")
	})
	sub, err := ua.Subscribe(SubscribeOptions{
		From: Target{Username: "alice", Domain: "127.0.0.1", Proxy: f.addr(), Transport: "udp"},
		To:   "sip:bob@127.0.0.1", Event: "dialog",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		sub.Stop(ctx)
	}()
	f.next(3 * time.Second)
	select {
	case r := <-f.seen:
		t.Fatalf("refreshed at once (%s, %v)", r.Method, r.GetHeader("Expires"))
	case <-time.After(minRefresh + time.Second):
	}
}
