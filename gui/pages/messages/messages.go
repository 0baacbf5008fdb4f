// Package messages is the SIP MESSAGE screen: the conversations (peer,
// last text, time, unread count), a conversation's thread as bubbles with
// the delivery state of what was sent, and a compose field (Enter sends);
// a new conversation starts by typing an address. Conversations are read
// from the phone's records off the frame goroutine, again whenever the
// phone's journal says it stored something; a message sent here shows at
// once, before the phone has stored it.
package messages

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/paged"
	"github.com/softphone/softphone/gui/widgets"
)

// Tunables.
const (
	readTimeout = 10 * time.Second
	threadPage  = 200                    // messages of a thread read at first, and more each time
	unreadDelay = 600 * time.Millisecond // a thread must show this long to count as read
)

// Page is the screen's state between frames.
type Page struct {
	// Background is set while the window is not focused: a thread shown
	// then is not being read, so its messages stay unread. The window's
	// goroutine sets it.
	Background bool

	// Shared with the loaders (e.Run goroutines), under mu.
	mu          sync.Mutex
	convs       *paged.Loader[core.Records, core.Conversation]  // newest first
	thread      *paged.Loader[core.Records, core.StoredMessage] // the open one, oldest first
	live        map[string]core.Message                         // by key: sent here, not yet in the records
	names       map[string]string                               // peer → contact name ("" none)
	lookup      map[string]bool                                 // peers being looked up
	unavailable bool                                            // the phone keeps no messages
	back        string                                          // text of a failed send, to put back in the field
	openNext    string                                          // the peer a new conversation turned out to be

	// Frame goroutine only.
	src       core.Records // the phone read from
	journal   uint64       // the journal version the conversations were read at
	peer      string       // the open thread; "" with newThread: a new one
	newThread bool
	limit     int // messages of the thread to read
	list      widget.List
	bubbles   widget.List
	rowBtns   map[string]*widget.Clickable
	retry     map[string]*widget.Clickable
	newBtn    widget.Clickable
	backBtn   widget.Clickable
	callBtn   widget.Clickable
	earlier   widget.Clickable
	sendBtn   widget.Clickable
	to        widget.Editor
	compose   widget.Editor
	toErr     string
	focus     bool      // move the keyboard focus to the field at the next frame
	shownAt   time.Time // when the open thread was first drawn
	markedFor string    // the thread whose unread were last marked read
	markedAt  int       // and the version of the thread marked
}

// New makes the page; it reads the phone it is drawn with.
func New() *Page {
	p := &Page{
		live: map[string]core.Message{}, names: map[string]string{}, lookup: map[string]bool{},
		rowBtns: map[string]*widget.Clickable{}, retry: map[string]*widget.Clickable{},
		limit: threadPage,
	}
	p.list.Axis, p.bubbles.Axis = layout.Vertical, layout.Vertical
	p.bubbles.ScrollToEnd = true // the newest message at the bottom, in view
	p.to.SingleLine, p.to.Submit = true, true
	p.compose.Submit = true // Enter sends; the field still wraps long text
	p.convs = paged.New(&p.mu, paged.Config[core.Records, core.Conversation]{
		What: "Load messages", PageSize: 1 << 30, Timeout: readTimeout,
		First: func(int) paged.Read[core.Records, core.Conversation] {
			sent := p.pending()
			return func(ctx context.Context, src core.Records) (paged.Result[core.Conversation], error) {
				cs, err := src.Conversations(ctx)
				unavailable := errors.Is(err, core.ErrNoRecords)
				if err != nil && !unavailable {
					return paged.Result[core.Conversation]{}, err
				}
				stored := storedOf(ctx, src, sent)
				return paged.Result[core.Conversation]{Items: cs, Commit: func() error {
					p.unavailable = unavailable // said on the page, not as an error at every change
					p.dropStored(stored)
					return nil
				}}, nil
			}
		},
		Next: func([]core.Conversation, int) paged.Read[core.Records, core.Conversation] {
			return func(context.Context, core.Records) (paged.Result[core.Conversation], error) {
				return paged.Result[core.Conversation]{}, nil // all are read at once
			}
		},
	})
	p.thread = paged.New(&p.mu, paged.Config[core.Records, core.StoredMessage]{
		What: "Load conversation", PageSize: 1 << 30, Timeout: readTimeout,
		First: func(int) paged.Read[core.Records, core.StoredMessage] {
			peer, limit := p.peer, p.limit
			return func(ctx context.Context, src core.Records) (paged.Result[core.StoredMessage], error) {
				if peer == "" {
					return paged.Result[core.StoredMessage]{}, nil
				}
				ms, err := src.Messages(ctx, peer, limit)
				if errors.Is(err, core.ErrNoRecords) {
					return paged.Result[core.StoredMessage]{}, nil // the list says so
				}
				ms = slices.Clone(ms)
				slices.SortStableFunc(ms, func(a, b core.StoredMessage) int { return a.At.Compare(b.At) })
				return paged.Result[core.StoredMessage]{Items: ms}, err
			}
		},
		Next: func([]core.StoredMessage, int) paged.Read[core.Records, core.StoredMessage] {
			return func(context.Context, core.Records) (paged.Result[core.StoredMessage], error) {
				return paged.Result[core.StoredMessage]{}, nil
			}
		},
	})
	return p
}

// update reads the conversations when first drawn and again when the
// phone's journal changed (a message stored, or its delivery state, or
// the counts), and the open thread with them.
func (p *Page) update(e *env.Env) {
	switch {
	case e.Phone != p.src:
		p.src, p.journal = e.Phone, e.Model.Journal
		p.mu.Lock()
		p.names = map[string]string{}
		p.mu.Unlock()
		p.convs.SetSource(e.Phone)
		p.thread.SetSource(e.Phone)
	case e.Model.Journal != p.journal:
		p.journal = e.Model.Journal
		p.Refresh()
	}
	p.convs.Update(e)
	p.thread.Update(e)
}

// available reports whether the phone keeps messages (as far as the last
// read knows).
func (p *Page) available() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.convs.HasSource() && !p.unavailable
}

// Refresh reloads the conversations and the open thread at the next frame.
func (p *Page) Refresh() {
	p.convs.Refresh()
	p.thread.Refresh()
}

// Open shows peer's thread (from a contact, a notification).
func (p *Page) Open(peer string) {
	p.mu.Lock()
	p.peer, p.newThread = peer, false
	p.mu.Unlock()
	p.limit = threadPage
	p.shownAt, p.markedFor = time.Time{}, ""
	p.bubbles.Position = layout.Position{BeforeEnd: false}
	p.focus = true
	p.thread.Clear()
}

// startNew shows an empty thread with the address field.
func (p *Page) startNew() {
	p.Open("")
	p.newThread = true
	p.to.SetText("")
	p.toErr = ""
}

// closeThread goes back to the list (on a handset).
func (p *Page) closeThread() {
	p.mu.Lock()
	p.peer, p.newThread = "", false
	p.mu.Unlock()
	p.thread.Clear()
}

// markRead marks the open thread read once it has shown a moment with
// unread messages in it.
func (p *Page) markRead(gtx layout.Context, e *env.Env) {
	p.mu.Lock()
	peer, version, unread := p.peer, p.thread.Version, 0
	for _, c := range p.convs.Items {
		if samePeer(c.Peer, peer) {
			unread = c.Unread
		}
	}
	p.mu.Unlock()
	if peer == "" || unread == 0 || p.Background || (p.markedFor == peer && p.markedAt == version) {
		p.shownAt = time.Time{}
		return
	}
	if p.shownAt.IsZero() {
		p.shownAt = gtx.Now
	}
	if at := p.shownAt.Add(unreadDelay); gtx.Now.Before(at) {
		gtx.Execute(op.InvalidateCmd{At: at})
		return
	}
	p.markedFor, p.markedAt, p.shownAt = peer, version, time.Time{}
	p.mu.Lock()
	for i := range p.convs.Items {
		if c := &p.convs.Items[i]; samePeer(c.Peer, peer) {
			c.Unread = 0
		}
	}
	p.convs.Version++
	p.mu.Unlock()
	// The phone then reports its new count, and the list is read again.
	p.convs.Do(e, "Mark read", func(ctx context.Context, src core.Records) error {
		return src.MarkRead(ctx, peer)
	})
}

// name is what to show for peer: its contact's name, else the address
// without its scheme. It looks the contact up once, off the frame
// goroutine.
func (p *Page) name(e *env.Env, peer string) string {
	p.mu.Lock()
	n, known := p.names[peer]
	busy := p.lookup[peer]
	if !known && !busy {
		p.lookup[peer] = true
	}
	p.mu.Unlock()
	if known && n != "" {
		return n
	}
	if !known && !busy {
		e.Run("Look up "+peer, func(ctx context.Context) error {
			ctx, cancel := context.WithTimeout(ctx, readTimeout)
			defer cancel()
			c, ok, err := e.Phone.MatchNumber(ctx, peer)
			p.mu.Lock()
			defer p.mu.Unlock()
			delete(p.lookup, peer)
			p.names[peer] = "" // on an error too: the address will do
			if err == nil && ok {
				p.names[peer] = c.Name
			}
			return nil
		})
	}
	return widgets.ShortAddress(peer)
}

// samePeer reports whether a and b are one conversation (the records
// group messages by the normalised address).
func samePeer(a, b string) bool {
	return a == b || (a != "" && core.NormalizeNumber(a) == core.NormalizeNumber(b))
}
