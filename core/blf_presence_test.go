package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/call"
	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/internal/testlab"
)

func TestPresencePublished(t *testing.T) {
	k := testlab.StartPresenceKamailio(t, testlab.KamailioOptions{Users: presenceUsers()})
	testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k, Codecs: []string{"pcmu"}})
	p, events := startPhone(t, writeRawConfig(t, featureConfig(k, "carol", "mwi = false\npresence = true\n")))
	waitStatus(t, events, "carol", 10*time.Second, account.Registered)

	// dave watches carol's presence.
	ua, err := sip.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ua.Close()
	docs := make(chan presence.Presence, 16)
	sub, err := ua.Subscribe(sip.SubscribeOptions{
		From: sip.Target{Username: "dave", Password: "dave-secret", Domain: k.Domain, Proxy: k.UDPAddr, Transport: "udp"},
		To:   "sip:carol@" + k.Domain, Event: "presence", Accept: []string{"application/pidf+xml"},
		Notify: func(n sip.Notification) {
			if d, err := presence.ParsePIDF(n.Body); err == nil {
				docs <- d
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer sub.Stop(context.Background())
	want := func(what string, f func(presence.Presence) bool) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for {
			select {
			case d := <-docs:
				if f(d) {
					return
				}
				t.Logf("presence %+v (waiting for %s)", d, what)
			case <-deadline:
				t.Fatalf("presence never %s", what)
			}
		}
	}
	want("open", func(d presence.Presence) bool { return d.Open && !d.OnThePhone && d.Entity == "sip:carol@"+k.Domain })

	id, err := p.Dial(context.Background(), "bob", core.DialOptions{})
	if err != nil {
		t.Fatal(err)
	}
	waitCall(t, events, 10*time.Second, call.Connected)
	want("on the phone", func(d presence.Presence) bool { return d.Open && d.OnThePhone && d.Note == "On the phone" })
	if err := p.Hangup(id); err != nil {
		t.Fatal(err)
	}
	want("back from the phone", func(d presence.Presence) bool { return d.Open && !d.OnThePhone })
}
