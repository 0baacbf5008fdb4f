package gui

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/pages/contacts"
	"github.com/softphone/softphone/gui/pages/messages"
)

// until lays out frames until ok holds, failing after a few seconds (the
// window reads its sources on other goroutines).
func (h *harness) until(what string, ok func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			h.t.Fatalf("%s: not within 3 s; commands %v", what, h.phone.commands())
		}
		h.frame()
		time.Sleep(5 * time.Millisecond)
	}
}

// TestRootWatchesTheBLFContacts: the phone is told which contacts to
// watch as soon as the window runs, whichever screen shows.
func TestRootWatchesTheBLFContacts(t *testing.T) {
	h := newHarness(t, phoneSize)
	h.root.Contacts.SetSource(contacts.NewMemSource(cannedContacts()...))
	c := h.phone.waitCommandFraming(t, h, "Watch")
	if got := fmt.Sprint(c.Args...); got != "[100]" {
		t.Fatalf("watched %s, want [100] (Reception's extension)", got)
	}
	if h.root.Tab != TabDialpad {
		t.Fatalf("tab %d", h.root.Tab)
	}
}

// waitCommandFraming is waitCommand while laying out frames.
func (f *fakePhone) waitCommandFraming(t *testing.T, h *harness, name string) command {
	t.Helper()
	var got command
	h.until("command "+name, func() bool {
		for _, c := range f.commands() {
			if c.Name == name {
				got = c
				return true
			}
		}
		return false
	})
	return got
}

// TestRootMessagesBadge: unread messages show on the Messages tab, a
// message event counts at once, and reading the thread clears it.
func TestRootMessagesBadge(t *testing.T) {
	now := fixedNow
	src := messages.NewMemSource(
		store.Message{Key: "1", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received", Text: "Hi", At: now.Add(-time.Hour)},
		store.Message{Key: "2", Peer: "sip:bob@sip.example.com", Incoming: true, State: "received", Text: "Are you in?", At: now.Add(-time.Minute)},
	)
	for _, ff := range formFactors {
		t.Run(ff.name, func(t *testing.T) {
			h := newHarness(t, ff.size)
			h.root.Messages.SetSource(src)
			h.until("badge 2", func() bool { return h.root.Messages.Unread() == 2 })
			h.frames(2)
			h.find("Show Messages, 2 unread")
			h.root.Event(core.MessageEvent{Message: core.Message{Key: "3", Peer: "sip:carol@sip.example.com", Incoming: true,
				State: "received", Text: "Lunch?", At: now}})
			h.frames(2)
			h.find("Show Messages, 3 unread")
		})
	}
	h := newHarness(t, phoneSize)
	h.root.Messages.SetSource(src)
	h.until("badge 2", func() bool { return h.root.Messages.Unread() == 2 })
	h.frames(2)
	h.click(h.find("Show Messages, 2 unread"))
	if h.root.Tab != TabMessages {
		t.Fatalf("tab %d", h.root.Tab)
	}
	h.click(h.find("Open the conversation with bob@sip.example.com, 2 unread"))
	h.until("read", func() bool {
		n, _ := src.Unread(context.Background())
		return n == 0 && h.root.Messages.Unread() == 0
	})
	h.frames(2)
	h.find("Show Messages")
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
	announceMessage(ctx, in, false, nil, nil) // no notifier: no panic
	long := in
	long.Text = fmt.Sprintf("%0300d", 7)
	announceMessage(ctx, long, false, n, nil)
	want := []string{"Message from carol@sip.example.com: Lunch at one?", "Message from Carol Smith: Lunch at one?"}
	if len(n.got) != 3 || n.got[0] != want[0] || n.got[1] != want[1] || len([]rune(n.got[2])) != len("Message from carol@sip.example.com: ")+notifyText {
		t.Fatalf("notifications %q", n.got)
	}
}

// names is a contact lookup over a map.
type names map[string]string

func (m names) MatchNumber(_ context.Context, raw string) (store.Contact, bool, error) {
	n, ok := m[raw]
	return store.Contact{Name: n}, ok, nil
}
