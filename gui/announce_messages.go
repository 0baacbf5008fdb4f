package gui

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/widgets"
)

// Message notifications.
const (
	notifyText   = 140             // runes of a message shown in its notification
	notifyLookup = 2 * time.Second // for the sender's contact name
)

// Names finds a sender's contact: the phone's records.
type Names interface {
	MatchNumber(ctx context.Context, raw string) (core.Contact, bool, error)
}

// announceMessage notifies a received message when the window is in the
// background, naming the sender's contact if names knows it.
func announceMessage(ctx context.Context, e core.Event, focused bool, n core.Notifier, names Names) {
	me, ok := e.(core.MessageEvent)
	if !ok || !me.Incoming || focused || n == nil {
		return
	}
	who := widgets.ShortAddress(me.Peer)
	if names != nil {
		ctx, cancel := context.WithTimeout(ctx, notifyLookup)
		c, found, err := names.MatchNumber(ctx, me.Peer)
		cancel()
		if err == nil && found && c.Name != "" {
			who = c.Name
		}
	}
	text := strings.Join(strings.Fields(me.Text), " ")
	if utf8.RuneCountInString(text) > notifyText {
		text = string([]rune(text)[:notifyText-1]) + "…"
	}
	_ = n.Notify("Message from "+who, text) // the badge and the screen still show it
}
