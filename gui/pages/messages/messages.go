// Package messages is the SIP MESSAGE screen: the conversations (peer,
// last text, time, unread count), a conversation's thread as bubbles with
// the delivery state of what was sent, and a compose field (Enter sends);
// a new conversation starts by typing an address. Conversations are read
// from a Source (the store, which core.RecordMessages fills) off the frame
// goroutine; the phone's message events show at once, before the store
// has them.
package messages

import (
	"context"
	"slices"
	"sync"
	"time"

	"gioui.org/layout"
	"gioui.org/op"
	"gioui.org/widget"

	"github.com/softphone/softphone/core"
	"github.com/softphone/softphone/core/store"
	"github.com/softphone/softphone/gui/env"
	"github.com/softphone/softphone/gui/internal/paged"
)

// Source is where the conversations come from: *store.Store in the app, a
// MemSource in tests and previews.
type Source interface {
	Conversations(ctx context.Context) ([]store.Conversation, error)
	Messages(ctx context.Context, peer string, limit int) ([]store.Message, error)
	MarkRead(ctx context.Context, peer string) error
	Unread(ctx context.Context) (int, error)
	MessageByKey(ctx context.Context, key string) (store.Message, error)
}

var _ Source = (*store.Store)(nil)

// Names finds the contact behind a peer's address (the store's caller ID).
type Names interface {
	MatchNumber(ctx context.Context, raw string) (store.Contact, bool, error)
}

// Tunables.
const (
	readTimeout = 10 * time.Second
	threadPage  = 200                    // messages of a thread read at first, and more each time
	syncTimeout = 3 * time.Second        // how long to wait for the recorder to store an event (Page.syncWait)
	syncPoll    = 50 * time.Millisecond  // how often to look meanwhile
	unreadDelay = 600 * time.Millisecond // a thread must show this long to count as read
)

// Page is the screen's state between frames.
type Page struct {
	// Background is set while the window is not focused: a thread shown
	// then is not being read, so its messages stay unread. The window's
	// goroutine sets it.
	Background bool

	// Shared with the loaders (e.Run goroutines), under mu.
	mu     sync.Mutex
	convs  *paged.Loader[Source, store.Conversation] // newest first
	thread *paged.Loader[Source, store.Message]      // the open one, oldest first
	unread int                                       // in the store
	live   map[string]core.Message                   // by key: events the store may not have yet
	seen   map[string]bool                           // live keys marked read here
	names  map[string]string                         // peer → contact name ("" none)
	namer  Names
	lookup map[string]bool // peers being looked up
	// syncWait bounds the wait for the recorder (syncTimeout; tests
	// shorten it).
	syncWait time.Duration
	back     string // text of a failed send, to put back in the field
	openNext string // the peer a new conversation turned out to be

	// Frame goroutine only.
	peer      string // the open thread; "" with newThread: a new one
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

// New makes the page; it shows nothing until SetSource.
func New() *Page {
	p := &Page{
		live: map[string]core.Message{}, seen: map[string]bool{}, names: map[string]string{}, lookup: map[string]bool{},
		rowBtns: map[string]*widget.Clickable{}, retry: map[string]*widget.Clickable{},
		limit: threadPage, syncWait: syncTimeout,
	}
	p.list.Axis, p.bubbles.Axis = layout.Vertical, layout.Vertical
	p.bubbles.ScrollToEnd = true // the newest message at the bottom, in view
	p.to.SingleLine, p.to.Submit = true, true
	p.compose.Submit = true // Enter sends; the field still wraps long text
	p.convs = paged.New(&p.mu, paged.Config[Source, store.Conversation]{
		What: "Load messages", PageSize: 1 << 30, Timeout: readTimeout,
		First: func(int) paged.Read[Source, store.Conversation] {
			return func(ctx context.Context, src Source) (paged.Result[store.Conversation], error) {
				stored := p.waitRecorded(ctx, src, p.pending())
				cs, err := src.Conversations(ctx)
				if err != nil {
					return paged.Result[store.Conversation]{}, err
				}
				n, err := src.Unread(ctx)
				return paged.Result[store.Conversation]{Items: cs, Commit: func() error {
					p.unread = n
					p.dropStored(stored)
					return nil
				}}, err
			}
		},
		Next: func([]store.Conversation, int) paged.Read[Source, store.Conversation] {
			return func(context.Context, Source) (paged.Result[store.Conversation], error) {
				return paged.Result[store.Conversation]{}, nil // all are read at once
			}
		},
	})
	p.thread = paged.New(&p.mu, paged.Config[Source, store.Message]{
		What: "Load conversation", PageSize: 1 << 30, Timeout: readTimeout,
		First: func(int) paged.Read[Source, store.Message] {
			peer, limit := p.peer, p.limit
			return func(ctx context.Context, src Source) (paged.Result[store.Message], error) {
				if peer == "" {
					return paged.Result[store.Message]{}, nil
				}
				stored := p.waitRecorded(ctx, src, p.pending())
				ms, err := src.Messages(ctx, peer, limit)
				ms = slices.Clone(ms)
				slices.SortStableFunc(ms, func(a, b store.Message) int { return a.At.Compare(b.At) })
				return paged.Result[store.Message]{Items: ms, Commit: func() error {
					p.dropStored(stored)
					return nil
				}}, err
			}
		},
		Next: func([]store.Message, int) paged.Read[Source, store.Message] {
			return func(context.Context, Source) (paged.Result[store.Message], error) {
				return paged.Result[store.Message]{}, nil
			}
		},
	})
	return p
}

// SetSource sets where conversations are read from and reloads them.
func (p *Page) SetSource(s Source) {
	p.convs.SetSource(s)
	p.thread.SetSource(s)
}

// SetNames sets where the peers' contact names are looked up (nil: none).
func (p *Page) SetNames(n Names) {
	p.mu.Lock()
	p.namer, p.names = n, map[string]string{}
	p.mu.Unlock()
}

// Refresh reloads the conversations and the open thread at the next frame.
func (p *Page) Refresh() {
	p.convs.Refresh()
	p.thread.Refresh()
}

// Unread is the number of received messages not read yet, for a badge:
// the store's count plus received ones it does not hold yet.
func (p *Page) Unread() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.unread
	for k, m := range p.live {
		if m.Incoming && !p.seen[k] {
			n++
		}
	}
	return n
}

// Event takes one of the phone's events (from the window's event loop, any
// goroutine): a message shows at once, then the conversations reload once
// the recorder has stored it.
func (p *Page) Event(ev core.Event) {
	me, ok := ev.(core.MessageEvent)
	if !ok {
		return
	}
	p.note(me.Message)
	p.Refresh()
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

// Update keeps the badge current: the window calls it every frame,
// whichever screen shows.
func (p *Page) Update(gtx layout.Context, e *env.Env) {
	p.convs.Update(e)
	p.convs.InvalidateIfStale(gtx)
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
	for k, m := range p.live {
		if m.Incoming && samePeer(m.Peer, peer) && !p.seen[k] {
			unread++
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
	want := p.pending()
	p.mu.Lock()
	for i := range p.convs.Items {
		if c := &p.convs.Items[i]; samePeer(c.Peer, peer) {
			p.unread -= min(c.Unread, p.unread)
			c.Unread = 0
		}
	}
	for k, m := range p.live {
		if m.Incoming && samePeer(m.Peer, peer) {
			p.seen[k] = true // the store has it or will, and marks it read
		}
	}
	p.convs.Version++
	p.mu.Unlock()
	p.convs.Do(e, "Mark read", func(ctx context.Context, src Source) error {
		// Wait for the store to hold what was shown, or the later write
		// would come in unread.
		p.waitRecorded(ctx, src, want)
		err := src.MarkRead(ctx, peer)
		p.convs.Refresh()
		return err
	})
}

// name is what to show for peer: its contact's name, else the address
// without its scheme. It looks the contact up once, off the frame
// goroutine.
func (p *Page) name(e *env.Env, peer string) string {
	p.mu.Lock()
	n, known := p.names[peer]
	namer, busy := p.namer, p.lookup[peer]
	if !known && namer != nil && !busy {
		p.lookup[peer] = true
	}
	p.mu.Unlock()
	if known && n != "" {
		return n
	}
	if !known && namer != nil && !busy {
		e.Run("Look up "+peer, func() error {
			ctx, cancel := context.WithTimeout(context.Background(), readTimeout)
			defer cancel()
			c, ok, err := namer.MatchNumber(ctx, peer)
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
	return ShortAddress(peer)
}

// samePeer reports whether a and b are one conversation (the store
// groups messages by the normalised address).
func samePeer(a, b string) bool {
	return a == b || (a != "" && store.Normalize(a) == store.Normalize(b))
}
