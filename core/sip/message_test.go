package sip

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emiago/sipgo/sip"

	"github.com/softphone/softphone/core/sip/siptest"
)

func rawMESSAGE(ua *UA, from, ct, body string) string {
	ctLine := ""
	if ct != "" {
		ctLine = "Content-Type: " + ct + "\r\n"
	}
	return fmt.Sprintf("MESSAGE sip:alice@%s SIP/2.0\r\n"+
		"Via: SIP/2.0/UDP %s;branch=z9hG4bKm%d\r\n"+
		"Max-Forwards: 70\r\n"+
		"From: \"Bob\" <sip:bob@127.0.0.1>;tag=b1\r\n"+
		"To: <sip:alice@127.0.0.1>\r\n"+
		"Call-ID: msg-%d@127.0.0.1\r\n"+
		"CSeq: 5 MESSAGE\r\n%s"+
		"Content-Length: %d\r\n\r\n%s",
		ua.Addr(), from, time.Now().UnixNano(), time.Now().UnixNano(), ctLine, len(body), body)
}

func TestIncomingMessage(t *testing.T) {
	ua := listenUA(t)
	f := newFakePeer(t, func(*sip.Request) string { return "" })
	if res := f.send(ua, rawMESSAGE(ua, f.addr(), "text/plain", "hi")); res.StatusCode != 480 {
		t.Fatalf("MESSAGE without a handler answered %d, want 480", res.StatusCode)
	}
	var mu sync.Mutex
	var got []IncomingMessage
	ua.HandleMessages(func(m IncomingMessage) (int, string) {
		mu.Lock()
		defer mu.Unlock()
		got = append(got, m)
		if m.To.User != "alice" {
			return 404, "Not Found"
		}
		return 200, "OK"
	})
	for _, tc := range []struct {
		name, ct, body string
		want           int
		accept         bool
	}{
		{"plain text", "text/plain;charset=UTF-8", "héllo ✓", 200, false},
		{"no content type", "", "bare", 200, false},
		{"typing indication", "application/im-iscomposing+xml", "<isComposing/>", 200, false},
		{"html", "text/html", "<b>x</b>", 415, true},
		{"other charset", "text/plain; charset=ISO-8859-1", "caf\xe9", 415, true},
		{"broken content type", "text/", "x", 415, true},
		{"not UTF-8", "text/plain", "caf\xe9", 400, false},
	} {
		res := f.send(ua, rawMESSAGE(ua, f.addr(), tc.ct, tc.body))
		if res.StatusCode != tc.want {
			t.Errorf("%s: answered %d %s, want %d", tc.name, res.StatusCode, res.Reason, tc.want)
		}
		if a := res.GetHeader("Accept"); tc.accept && (a == nil || a.Value() != "text/plain") {
			t.Errorf("%s: 415 without Accept: text/plain", tc.name)
		}
	}
	// Too large for UDP: over TCP.
	c, err := net.DialTimeout("tcp", ua.Addr().String(), 2*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	big := strings.Replace(rawMESSAGE(ua, c.LocalAddr().String(), "text/plain", strings.Repeat("x", MaxMessageSize+1)), "SIP/2.0/UDP", "SIP/2.0/TCP", 1)
	if _, err := io.WriteString(c, big); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(3 * time.Second))
	status, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "SIP/2.0 413") {
		t.Fatalf("oversized MESSAGE answered %q, %v; want 413", status, err)
	}

	mu.Lock()
	defer mu.Unlock()
	if len(got) != 2 || got[0].Text != "héllo ✓" || got[1].Text != "bare" {
		t.Fatalf("delivered %+v, want the two text messages", got)
	}
	m := got[0]
	if m.From.URI != "sip:bob@127.0.0.1" || m.From.DisplayName != "Bob" || m.CSeq != 5 || !strings.HasPrefix(m.CallID, "msg-") {
		t.Fatalf("message fields %+v", m)
	}
}

func TestSendMessage(t *testing.T) {
	ua := listenUA(t)
	var mu sync.Mutex
	n := 0
	f := newFakePeer(t, func(req *sip.Request) string {
		mu.Lock()
		defer mu.Unlock()
		n++
		switch {
		case req.Recipient.User == "nobody":
			return siptest.ReplyTag(req, "404 Not Found", "p")
		case req.GetHeader("Proxy-Authorization") == nil:
			return siptest.ReplyTag(req, "407 Proxy Authentication Required", "p", `Proxy-Authenticate: Digest realm="127.0.0.1", nonce="n1", qop="auth"`)
		}
		return siptest.ReplyTag(req, "202 Accepted", "p")
	})
	from := &Target{Username: "alice", Password: "pw", Domain: "127.0.0.1", Proxy: f.addr(), Transport: "udp"}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := ua.SendMessage(ctx, MessageOptions{From: from, To: "sip:bob@127.0.0.1", Text: "hello"}); err != nil {
		t.Fatal(err)
	}
	var sent *sip.Request
	for range 2 {
		sent = f.next(time.Second)
	}
	if ct := sent.ContentType(); ct == nil || ct.Value() != "text/plain;charset=UTF-8" || string(sent.Body()) != "hello" || sent.GetHeader("Proxy-Authorization") == nil {
		t.Fatalf("MESSAGE sent:\n%s", sent)
	}
	err := ua.SendMessage(ctx, MessageOptions{From: from, To: "sip:nobody@127.0.0.1", Text: "x"})
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 404 {
		t.Fatalf("to nobody: %v, want a 404 StatusError", err)
	}
	if err := ua.SendMessage(ctx, MessageOptions{From: from, To: "sip:bob@127.0.0.1", Text: strings.Repeat("x", MaxMessageSize+1)}); !errors.Is(err, ErrMessageTooLarge) {
		t.Fatalf("oversized: %v", err)
	}
	if err := ua.SendMessage(ctx, MessageOptions{From: from, To: "sip:bob@127.0.0.1", Text: "caf\xe9"}); err == nil {
		t.Fatal("invalid UTF-8 sent")
	}
	// No answer at all: ErrNoResponse once the context ends.
	silent := newFakePeer(t, func(*sip.Request) string { return "" })
	short, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	err = ua.SendMessage(short, MessageOptions{From: &Target{Username: "alice", Domain: "127.0.0.1", Proxy: silent.addr(), Transport: "udp"}, To: "sip:bob@127.0.0.1", Text: "x"})
	if !errors.Is(err, ErrNoResponse) {
		t.Fatalf("no answer: %v, want ErrNoResponse", err)
	}
}
