package core_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/account"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/internal/testlab"
)

// waitMessage returns the first message event f accepts.
func waitMessage(t *testing.T, events <-chan core.Event, what string, f func(core.Message) bool) core.Message {
	t.Helper()
	return waitFor(t, events, 10*time.Second, what, func(e core.Event) bool {
		m, ok := e.(core.MessageEvent)
		return ok && f(m.Message)
	}).(core.MessageEvent).Message
}

// recordedPhone starts a phone whose messages go into a fresh store.
func recordedPhone(t *testing.T, cfg string) (*core.Engine, <-chan core.Event, *store.Store, func()) {
	t.Helper()
	ctx := context.Background()
	st := journalStore(t, t.TempDir())
	p, events := startPhone(t, writeRawConfig(t, cfg), core.WithStore(st))
	return p, events, st, func() { p.Close(ctx) } // the journal has written every message
}

func TestMessagesWithBaresip(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{})
	bob := testlab.StartBaresip(t, testlab.BaresipOptions{User: "bob", Kamailio: k,
		Contacts: []string{fmt.Sprintf(`"Carol" <sip:carol@%s>`, k.Domain)}})
	p, events, st, stop := recordedPhone(t, featureConfig(k, "carol", "mwi = false\n"))
	waitStatus(t, events, "carol", 10*time.Second, account.Registered)

	// To baresip: delivered (200 after the digest challenge of our proxy).
	text := "héllo bob, ça va? ✓"
	sent, err := p.SendMessage("", "bob", text)
	if err != nil {
		t.Fatal(err)
	}
	if sent.State != core.MessageSending || sent.Peer != "sip:bob@"+k.Domain || sent.Account != "carol" || sent.Key == "" {
		t.Fatalf("SendMessage returned %+v", sent)
	}
	got := waitMessage(t, events, "delivery to bob", func(m core.Message) bool { return m.Key == sent.Key && m.State != core.MessageSending })
	if got.State != core.MessageDelivered {
		t.Fatalf("message to bob: %+v, want delivered", got)
	}
	deadline := time.Now().Add(3 * time.Second)
	for !strings.Contains(bob.Log(), "ça va") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(bob.Log(), "ça va") {
		t.Fatalf("baresip did not show the text; log:\n%s", bob.Log())
	}

	// To a user the proxy does not know: failed, with the proxy's answer.
	lost, err := p.SendMessage("", "nobody", "anyone?")
	if err != nil {
		t.Fatal(err)
	}
	got = waitMessage(t, events, "failure to nobody", func(m core.Message) bool { return m.Key == lost.Key && m.State != core.MessageSending })
	if got.State != core.MessageFailed || got.Code != 404 {
		t.Fatalf("message to nobody: %+v, want failed 404", got)
	}

	// From baresip: `message` writes to its current contact, us.
	if _, err := bob.Command("contact_next", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Command("message", "hi carol"); err != nil {
		t.Fatal(err)
	}
	in := waitMessage(t, events, "bob's message", func(m core.Message) bool { return m.Incoming })
	if in.Text != "hi carol" || in.Peer != "sip:bob@"+k.Domain || in.Account != "carol" || in.State != core.MessageReceived {
		t.Fatalf("received %+v", in)
	}

	// Bad input never leaves the phone.
	if _, err := p.SendMessage("", "bob", strings.Repeat("x", core.MaxMessageBytes+1)); err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("oversized message: %v", err)
	}
	if _, err := p.SendMessage("", "bob", "  "); err == nil {
		t.Fatal("empty message accepted")
	}
	if _, err := p.SendMessage("", "bob\r\nX: y", "x"); err == nil {
		t.Fatal("target with CRLF accepted")
	}

	stop()
	ctx := context.Background()
	convs, err := st.Conversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 2 || convs[0].Last.Text != "hi carol" || convs[0].Unread != 1 || convs[1].Last.State != "failed" || convs[1].Last.Code != 404 {
		t.Fatalf("conversations %+v", convs)
	}
	msgs, err := st.Messages(ctx, "sip:bob@"+k.Domain, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].Text != text || msgs[0].State != "delivered" || msgs[1].Text != "hi carol" || !msgs[1].Incoming {
		t.Fatalf("bob's conversation %+v", msgs)
	}
	if n, _ := st.Unread(ctx); n != 1 {
		t.Fatalf("unread %d, want 1", n)
	}
}

func TestMessagesBetweenPhones(t *testing.T) {
	k := testlab.StartKamailio(t, testlab.KamailioOptions{Users: presenceUsers()})
	carol, cev, cst, cstop := recordedPhone(t, featureConfig(k, "carol", "mwi = false\n"))
	// Eve below writes to dave directly, with no registrar: dave takes it.
	daveCfg := strings.Replace(featureConfig(k, "dave", "mwi = false\n"), "[sip]\n", "[sip]\nallow_direct = true\n", 1)
	dave, dev, dst, dstop := recordedPhone(t, daveCfg)
	waitStatus(t, cev, "carol", 10*time.Second, account.Registered)
	waitStatus(t, dev, "dave", 10*time.Second, account.Registered)

	out, err := carol.SendMessage("carol", "sip:dave@"+k.Domain, "lunch at noon?")
	if err != nil {
		t.Fatal(err)
	}
	in := waitMessage(t, dev, "carol's message at dave", func(m core.Message) bool { return m.Incoming })
	if in.Text != "lunch at noon?" || in.Peer != "sip:carol@"+k.Domain {
		t.Fatalf("dave got %+v", in)
	}
	if m := waitMessage(t, cev, "delivery", func(m core.Message) bool { return m.Key == out.Key && m.State != core.MessageSending }); m.State != core.MessageDelivered {
		t.Fatalf("carol's message: %+v", m)
	}
	reply, err := dave.SendMessage("", in.Peer, "yes 🍕")
	if err != nil {
		t.Fatal(err)
	}
	if m := waitMessage(t, cev, "dave's reply", func(m core.Message) bool { return m.Incoming }); m.Text != "yes 🍕" {
		t.Fatalf("carol got %+v", m)
	}
	waitMessage(t, dev, "reply delivered", func(m core.Message) bool { return m.Key == reply.Key && m.State == core.MessageDelivered })

	// A MESSAGE resent with the same Call-ID and CSeq is answered, not shown twice.
	const eveFrom = "<sip:eve@127.0.0.1>;tag=eve"
	sendRawMessage(t, dave.State().Listen, eveFrom, "dup-1@127.0.0.1", 7, "only once")
	sendRawMessage(t, dave.State().Listen, eveFrom, "dup-1@127.0.0.1", 7, "only once") // resent
	sendRawMessage(t, dave.State().Listen, eveFrom, "dup-1@127.0.0.1", 8, "a new one")
	if m := waitMessage(t, dev, "the first copy", func(m core.Message) bool { return m.Incoming }); m.Text != "only once" {
		t.Fatalf("got %+v", m)
	}
	if m := waitMessage(t, dev, "the next message", func(m core.Message) bool { return m.Incoming }); m.Text != "a new one" {
		t.Fatalf("resend delivered twice, or the next one lost: %+v", m)
	}

	cstop()
	dstop()
	ctx := context.Background()
	if n, _ := cst.Unread(ctx); n != 1 {
		t.Fatalf("carol unread %d, want 1", n)
	}
	if n, _ := dst.Unread(ctx); n != 3 {
		t.Fatalf("dave unread %d, want 3 (carol's and two from eve)", n)
	}
	eve, err := dst.Messages(ctx, "sip:eve@127.0.0.1", 0)
	if err != nil || len(eve) != 2 {
		t.Fatalf("eve's conversation %+v %v: want 2 messages", eve, err)
	}
	if err := dst.MarkRead(ctx, "sip:carol@"+k.Domain); err != nil {
		t.Fatal(err)
	}
	if n, _ := dst.Unread(ctx); n != 2 {
		t.Fatalf("dave unread after reading carol: %d", n)
	}
}
