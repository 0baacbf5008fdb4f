package store

import (
	"errors"
	"testing"
	"time"
)

func TestMessagesConversations(t *testing.T) {
	s := openTemp(t)
	ctx := testCtx(t)
	base := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	rec := func(m Message) {
		t.Helper()
		if err := s.RecordMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	rec(Message{Key: "o1", Account: "work", Peer: "sip:bob@pbx", Text: "hello bob", State: "sending", At: base})
	rec(Message{Key: "i1", Account: "work", Peer: "sip:bob@pbx", Incoming: true, Text: "hi alice", State: "received", At: base.Add(time.Minute)})
	rec(Message{Key: "i2", Account: "work", Peer: "\"Bob\" <sip:bob@pbx;transport=tcp>", Incoming: true, Text: "are you there?", State: "received", At: base.Add(2 * time.Minute)})
	rec(Message{Key: "i3", Peer: "sip:carol@pbx", Incoming: true, Text: "lunch?", State: "received", At: base.Add(3 * time.Minute)})
	// Delivery of the sent one: state only.
	rec(Message{Key: "o1", Peer: "sip:bob@pbx", Text: "changed?", State: "failed", Code: 404, Reason: "Not Found", At: base.Add(time.Hour)})
	// A resent incoming message (same key) changes nothing.
	rec(Message{Key: "i1", Peer: "sip:bob@pbx", Incoming: true, Text: "other", State: "received", At: base.Add(time.Hour)})

	o1, err := s.MessageByKey(ctx, "o1")
	if err != nil {
		t.Fatal(err)
	}
	if o1.State != "failed" || o1.Code != 404 || o1.Reason != "Not Found" || o1.Text != "hello bob" || !o1.At.Equal(base) || !o1.Read || o1.Incoming {
		t.Fatalf("o1 after delivery: %+v", o1)
	}
	if i1, _ := s.MessageByKey(ctx, "i1"); i1.Text != "hi alice" || i1.Read {
		t.Fatalf("i1 after resend: %+v", i1)
	}
	if _, err := s.MessageByKey(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown key: %v", err)
	}

	convs, err := s.Conversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) != 2 || convs[0].Last.Key != "i3" || convs[0].Unread != 1 || convs[1].Last.Key != "i2" || convs[1].Unread != 2 {
		t.Fatalf("conversations: %+v", convs)
	}
	if n, err := s.Unread(ctx); err != nil || n != 3 {
		t.Fatalf("unread %d %v, want 3", n, err)
	}

	msgs, err := s.Messages(ctx, "bob@pbx", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || msgs[0].Key != "o1" || msgs[2].Key != "i2" {
		t.Fatalf("messages with bob: %+v", msgs)
	}
	last2, _ := s.Messages(ctx, "sip:bob@pbx", 2)
	if len(last2) != 2 || last2[0].Key != "i1" || last2[1].Key != "i2" {
		t.Fatalf("last two with bob: %+v", last2)
	}

	if err := s.MarkRead(ctx, "sip:bob@pbx"); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.Unread(ctx); n != 1 {
		t.Fatalf("unread after reading bob: %d, want 1", n)
	}
	if err := s.RecordMessage(ctx, Message{Peer: "x"}); err == nil {
		t.Fatal("message without key stored")
	}
}
