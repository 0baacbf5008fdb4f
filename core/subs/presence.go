package subs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/softphone/softphone/core/presence"
	"github.com/softphone/softphone/core/sip"
)

// Our own presence (Features.Presence): a PUBLISH of a PIDF document,
// open while the account is registered, "on the phone" during a call,
// refreshed before it expires and withdrawn on Close.

// presenceExpires is the lifetime asked for our published state.
const presenceExpires = 600

// presencePub publishes one account's presence.
type presencePub struct {
	m    *Manager
	ua   *sip.UA
	name string
	from sip.Target
	kick chan struct{}
	life context.Context // ends with stop: a PUBLISH on its way is abandoned
	end  context.CancelFunc
	done chan struct{}
	once sync.Once

	mu      sync.Mutex      // guards stopCtx
	stopCtx context.Context // bounds the withdrawal; set by stop
}

// syncPresence starts and stops publishers to match the accounts (mu held).
func (m *Manager) syncPresence(lines []Line) {
	for name, pp := range m.pub {
		if l := lineNamed(lines, name); l == nil || !l.Presence || l.From != pp.from {
			delete(m.pub, name)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), subscriptionStopTimeout)
				defer cancel()
				pp.stop(ctx)
			}()
		}
	}
	for _, l := range lines {
		if !l.Presence || m.pub[l.Name] != nil || !l.Registered {
			continue
		}
		if m.pub == nil {
			m.pub = map[string]*presencePub{}
		}
		pp := &presencePub{m: m, ua: m.ua, name: l.Name, from: l.From, kick: make(chan struct{}, 1), done: make(chan struct{})}
		pp.life, pp.end = context.WithCancel(context.Background())
		m.pub[l.Name] = pp
		go pp.run()
	}
}

// callsChanged tells the publishers that calls changed.
func (m *Manager) callsChanged() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, pp := range m.pub {
		select {
		case pp.kick <- struct{}{}:
		default:
		}
	}
}

func (pp *presencePub) stop(ctx context.Context) {
	pp.once.Do(func() {
		pp.mu.Lock()
		pp.stopCtx = ctx
		pp.mu.Unlock()
		pp.end()
	})
	select {
	case <-pp.done:
	case <-ctx.Done():
	}
}

// document is our presence now.
func (pp *presencePub) document() ([]byte, error) {
	doc := presence.Presence{Entity: "sip:" + pp.from.Username + "@" + pp.from.Domain, Open: true}
	if pp.m.busy() {
		doc.Note, doc.OnThePhone = "On the phone", true
	}
	return presence.BuildPIDF(doc, "softphone")
}

func (pp *presencePub) run() {
	defer close(pp.done)
	var etag, sent string
	var next time.Time // refresh or retry due
	failures := 0
	for {
		doc, err := pp.document()
		due := !next.IsZero() && !time.Now().Before(next)
		if err == nil && (etag == "" || string(doc) != sent || due) {
			body := doc
			if etag != "" && string(doc) == sent {
				body = nil // a refresh: no body, the entity tag says which state
			}
			tag, granted, perr := pp.publish(etag, body)
			switch {
			case perr == nil:
				etag, sent, failures = tag, string(doc), 0
				next = time.Now().Add(max(minPublishRefresh, sip.RefreshAfter(granted)))
			case pp.life.Err() == nil:
				err = perr
			} // else stopping: the withdrawal below uses the entity tag we had
		}
		if err != nil {
			failures++
			etag, sent = "", ""
			wait := min(30*time.Second<<min(failures-1, 4), 5*time.Minute)
			next = time.Now().Add(wait)
			pp.m.h.Log.Warn("presence: publish failed", "account", pp.name, "error", err, "retry_in", wait)
		}
		t := time.NewTimer(time.Until(next))
		select {
		case <-pp.life.Done():
			t.Stop()
			if etag != "" {
				pp.mu.Lock()
				ctx := pp.stopCtx
				pp.mu.Unlock()
				if _, _, err := pp.send(ctx, etag, nil, 0); err != nil {
					pp.m.h.Log.Debug("presence: withdraw", "account", pp.name, "error", err)
				}
			}
			return
		case <-pp.kick:
		case <-t.C:
		}
		t.Stop()
	}
}

const minPublishRefresh = 10 * time.Second

// publish sends doc (nil: a refresh) and starts afresh when the server
// forgot our entity tag.
func (pp *presencePub) publish(etag string, doc []byte) (string, int, error) {
	ctx, cancel := context.WithTimeout(pp.life, messageTimeout)
	defer cancel()
	tag, granted, err := pp.send(ctx, etag, doc, presenceExpires)
	if errors.Is(err, sip.ErrPublishETag) {
		if doc == nil {
			if doc, err = pp.document(); err != nil {
				return "", 0, err
			}
		}
		return pp.send(ctx, "", doc, presenceExpires)
	}
	return tag, granted, err
}

func (pp *presencePub) send(ctx context.Context, etag string, doc []byte, expires int) (string, int, error) {
	o := sip.PublishOptions{From: pp.from, Event: "presence", Expires: expires, ETag: etag}
	if doc != nil {
		o.ContentType, o.Body = "application/pidf+xml", doc
	}
	res, err := pp.ua.Publish(ctx, o)
	return res.ETag, res.Expires, err
}
