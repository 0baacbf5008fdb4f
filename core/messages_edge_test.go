package core_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
)

// rawRequest sends the request build writes (given the local address for
// its Via) from a fresh UDP socket to addr and returns the first answer.
func rawRequest(t *testing.T, addr string, build func(local net.Addr) string) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	dst, err := net.ResolveUDPAddr("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.WriteTo([]byte(build(c.LocalAddr())), dst); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 4096)
	n, _, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no answer from %s: %v", addr, err)
	}
	return string(buf[:n])
}

// sendRawMessage sends one MESSAGE from the given From header value to
// addr and checks it is answered 200.
func sendRawMessage(t *testing.T, addr, from, callID string, cseq int, text string) {
	t.Helper()
	answer := rawRequest(t, addr, func(local net.Addr) string {
		return fmt.Sprintf("MESSAGE sip:dave@%s SIP/2.0\r\n"+
			"Via: SIP/2.0/UDP %s;branch=z9hG4bKdd%d\r\n"+
			"Max-Forwards: 70\r\n"+
			"From: %s\r\n"+
			"To: <sip:dave@127.0.0.1>\r\n"+
			"Call-ID: %s\r\n"+
			"CSeq: %d MESSAGE\r\n"+
			"Content-Type: text/plain;charset=UTF-8\r\n"+
			"Content-Length: %d\r\n\r\n%s", addr, local, time.Now().UnixNano(), from, callID, cseq, len(text), text)
	})
	if !strings.HasPrefix(answer, "SIP/2.0 200") {
		t.Fatalf("MESSAGE from %s answered %q", from, answer)
	}
}

// Two senders that happen to use the same Call-ID and CSeq send two
// messages; one sender's resend is still one.
func TestMessagesFromTwoSendersSameCallID(t *testing.T) {
	p, events, st, stop := recordedPhone(t, directConfig)
	addr := p.State().Listen
	const callID = "1@host"
	sendRawMessage(t, addr, "<sip:eve@127.0.0.1>;tag=eve1", callID, 1, "from eve")
	sendRawMessage(t, addr, "<sip:eve@127.0.0.1>;tag=eve1", callID, 1, "from eve") // resent
	sendRawMessage(t, addr, "<sip:mallory@127.0.0.1>;tag=m1", callID, 1, "from mallory")
	sendRawMessage(t, addr, "<sip:trent@127.0.0.1>", callID, 1, "from trent, no tag")
	var texts []string
	for _, want := range []string{"from eve", "from mallory", "from trent, no tag"} {
		m := waitMessage(t, events, want, func(m core.Message) bool { return m.Incoming })
		texts = append(texts, m.Text)
		if m.Text != want {
			t.Fatalf("got %q, want %q (so far %q)", m.Text, want, texts)
		}
	}
	stop()
	ctx := context.Background()
	for peer, want := range map[string]int{"sip:eve@127.0.0.1": 1, "sip:mallory@127.0.0.1": 1, "sip:trent@127.0.0.1": 1} {
		msgs, err := st.Messages(ctx, peer, 0)
		if err != nil || len(msgs) != want {
			t.Errorf("stored from %s: %+v, %v; want %d", peer, msgs, err, want)
		}
	}
}

// A message still on its way when the phone closes ends "failed", and
// that is what the store keeps, not "sending".
func TestMessageInFlightFailsOnClose(t *testing.T) {
	silent, err := net.ListenPacket("udp", "127.0.0.1:0") // takes the MESSAGE, never answers
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	got := make(chan struct{}, 1)
	go func() {
		buf := make([]byte, 65536)
		for {
			if _, _, err := silent.ReadFrom(buf); err != nil {
				return
			}
			select {
			case got <- struct{}{}:
			default:
			}
		}
	}()
	p, events, st, stop := recordedPhone(t, directConfig)
	sent, err := p.SendMessage("", "sip:quiet@"+silent.LocalAddr().String(), "anyone there?")
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(3 * time.Second):
		t.Fatal("the MESSAGE did not go out")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	closed := time.Now()
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	var last core.Message
	for e := range events { // the stream ends with Close
		if me, ok := e.(core.MessageEvent); ok && me.Key == sent.Key {
			last = me.Message
		}
	}
	if last.State != core.MessageFailed || last.Reason == "" || time.Since(closed) > 3*time.Second {
		t.Fatalf("last state before the stream ended: %+v (%v after Close)", last, time.Since(closed))
	}
	stop()
	m, err := st.MessageByKey(context.Background(), sent.Key)
	if err != nil || m.State != core.MessageFailed {
		t.Fatalf("stored %+v, %v; want failed", m, err)
	}
	if _, err := p.SendMessage("", "sip:quiet@"+silent.LocalAddr().String(), "again"); err == nil {
		t.Error("SendMessage after Close succeeded")
	}
}
