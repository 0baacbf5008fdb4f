package gui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
)

// TestRootMessagesBadge: unread messages show on the Messages tab, as the
// phone's state counts them; a message stored counts at once, and
// reading the thread clears it.
func TestRootMessagesBadge(t *testing.T) {
	now := fixedNow
	unread := []core.StoredMessage{
		{Key: "1", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received", Text: "Hi", At: now.Add(-time.Hour)},
		{Key: "2", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received", Text: "Are you in?", At: now.Add(-time.Minute)},
	}
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			rec := messageRecords(unread...)
			h.withRecords(rec)
			h.settle()
			h.find("Show Messages, 2 unread")
			rec.RecordMessage(core.Message{Key: "3", Peer: "sip:carol@sip.example.com", Incoming: true,
				State: "received", Text: "Lunch?", At: now})
			h.settle()
			h.find("Show Messages, 3 unread")
		})
	}
	h := newHarness(t, phoneSize)
	rec := messageRecords(unread...)
	h.withRecords(rec)
	h.settle()
	h.click(h.find("Show Messages, 2 unread"))
	if h.root.Router.Tab != TabMessages {
		t.Fatalf("tab %d", h.root.Router.Tab)
	}
	h.settle()
	h.click(h.find("Open the conversation with bob@sip.example.com, 2 unread"))
	// The thread is marked read once it has shown a moment.
	for range 3 {
		h.now = h.now.Add(time.Second)
		h.settle()
	}
	if n, _ := rec.Unread(context.Background()); n != 0 {
		t.Fatalf("%d unread after reading the thread", n)
	}
	h.find("Show Messages")
}

// TestRootHistoryLabel: the History tab counts the missed calls not seen
// yet, as the phone's state has them.
func TestRootHistoryLabel(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.find("Show History")
	h.phone.MissedCount = 3
	h.frame()
	if _, ok := labelled(h, "History (3)"); !ok {
		t.Fatalf("no History (3) tab")
	}
}

// labelled reports whether a node of the last frame is labelled s.
func labelled(h *harness, s string) (string, bool) {
	for _, n := range h.router.AppendSemantics(nil) {
		if n.Desc.Label == s {
			return n.Desc.Label, true
		}
	}
	return "", false
}

// TestAnnounceMessageOnlyInBackground: a received message raises a
// notification, with the contact's name, only when the window is not
// focused; sent ones never do.
func TestAnnounceMessageOnlyInBackground(t *testing.T) {
	in := core.MessageEvent{Message: core.Message{Key: "k", Peer: "sip:carol@sip.example.com", Incoming: true, State: "received",
		Text: "Lunch\nat one?"}}
	out := core.MessageEvent{Message: core.Message{Key: "o", Peer: "sip:carol@sip.example.com", State: "delivered", Text: "Yes"}}
	n := &recordingNotifier{}
	ctx := context.Background()
	announceMessage(ctx, in, true, n, nil)   // focused: the badge says it
	announceMessage(ctx, out, false, n, nil) // ours
	announceMessage(ctx, in, false, n, nil)
	announceMessage(ctx, in, false, n, names{"sip:carol@sip.example.com": "Carol Smith"})
	announceMessage(ctx, in, false, nil, nil)   // no notifier: no panic
	announceMessage(ctx, in, false, n, names{}) // no such contact
	long := in
	long.Text = fmt.Sprintf("%0300d", 7)
	announceMessage(ctx, long, false, n, nil)
	want := []string{"Message from carol@sip.example.com: Lunch at one?", "Message from Carol Smith: Lunch at one?",
		"Message from carol@sip.example.com: Lunch at one?"}
	if len(n.got) != 4 || n.got[0] != want[0] || n.got[1] != want[1] || n.got[2] != want[2] ||
		len([]rune(n.got[3])) != len("Message from carol@sip.example.com: ")+notifyText {
		t.Fatalf("notifications %q", n.got)
	}
}

// names is a contact lookup over a map.
type names map[string]string

func (m names) MatchNumber(_ context.Context, raw string) (core.Contact, bool, error) {
	n, ok := m[raw]
	return core.Contact{Name: n}, ok, nil
}
