package subs

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core/sip"
	"github.com/softphone/softphone/core/state"
)

// An incoming MESSAGE is delivered once however often it is resent; one
// for no account of ours is refused unless direct messages are allowed.
func TestIncomingMessageOnce(t *testing.T) {
	m, _, _ := testManager(t, false, Line{Name: "a", From: sip.Target{Username: "alice"}})
	events, cancel := m.h.Bus.Subscribe()
	defer cancel()
	in := sip.IncomingMessage{From: sip.Party{URI: "sip:bob@pbx.example"}, To: sip.Party{User: "ALICE"}, Text: "hi", CallID: "c1", CSeq: 1}
	for range 2 {
		if code, _ := m.onMessage(in); code != 200 {
			t.Fatalf("answered %d", code)
		}
	}
	other := in
	other.From.URI = "sip:eve@pbx.example" // another sender reusing the Call-ID and CSeq
	m.onMessage(other)
	stranger := in
	stranger.To.User, stranger.CallID = "zed", "c2"
	if code, _ := m.onMessage(stranger); code != 404 {
		t.Errorf("a MESSAGE for no account answered %d", code)
	}
	m.h.Bus.Publish(state.NoticeEvent{Text: "end"})
	var got []state.Message
	for e := range events {
		if _, end := e.(state.NoticeEvent); end {
			break
		}
		got = append(got, e.(state.MessageEvent).Message)
	}
	if len(got) != 2 || got[0].Account != "a" || got[0].Peer != in.From.URI || !got[0].Incoming || got[0].State != state.MessageReceived ||
		got[1].Peer != other.From.URI || got[0].Key == got[1].Key {
		t.Fatalf("delivered %+v", got)
	}

	direct, _, _ := testManager(t, true)
	if code, _ := direct.onMessage(stranger); code != 200 {
		t.Errorf("a direct MESSAGE answered %d", code)
	}
}

// Send checks the text, reports the delivery, and fails what is still on
// its way when the manager stops.
func TestSendMessage(t *testing.T) {
	m, bus, _ := testManager(t, false)
	if _, err := m.Send("", "sip:bob@127.0.0.1", "early"); err == nil {
		t.Error("Send before Start succeeded")
	}
	for _, text := range []string{" ", "\xff", strings.Repeat("x", MaxMessageBytes+1)} {
		if _, err := m.Send("", "sip:bob@127.0.0.1", text); err == nil {
			t.Errorf("Send(%.10q) succeeded", text)
		}
	}
	m.Start(listen(t))
	stopManager(t, m)
	events, cancel := bus.Subscribe()
	defer cancel()

	peer := listen(t)
	peer.HandleMessages(func(in sip.IncomingMessage) (int, string) {
		if in.Text == "busy?" {
			return 486, "Busy Here"
		}
		return 200, "OK"
	})
	outcome := func(key string) state.Message {
		t.Helper()
		e := waitEvent(t, events, "the outcome of "+key, func(e state.Event) bool {
			me, ok := e.(state.MessageEvent)
			return ok && me.Key == key && me.State != state.MessageSending
		})
		return e.(state.MessageEvent).Message
	}
	to := "sip:bob@" + peer.Addr().String()
	sent, err := m.Send("", to, "hello")
	if err != nil || sent.State != state.MessageSending || sent.Peer != to {
		t.Fatalf("Send = %+v, %v", sent, err)
	}
	if got := outcome(sent.Key); got.State != state.MessageDelivered {
		t.Errorf("delivery %+v", got)
	}
	busy, err := m.Send("", to, "busy?")
	if err != nil {
		t.Fatal(err)
	}
	if got := outcome(busy.Key); got.State != state.MessageFailed || got.Code != 486 {
		t.Errorf("refused delivery %+v", got)
	}

	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // takes the MESSAGE, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	lost, err := m.Send("", "sip:quiet@"+silent.LocalAddr().String(), "anyone there?")
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 65536)
	if err := silent.SetReadDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := silent.ReadFrom(buf); err != nil {
		t.Fatalf("the MESSAGE did not go out: %v", err)
	}
	ctx, cancelStop := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancelStop()
	m.Stop(ctx) // returns once the outcome is published
	if got := outcome(lost.Key); got.State != state.MessageFailed || got.Reason == "" {
		t.Errorf("in flight at Stop: %+v", got)
	}
	if _, err := m.Send("", to, "again"); err == nil {
		t.Error("Send after Stop succeeded")
	}
}
