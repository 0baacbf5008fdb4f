package cti

import (
	"bytes"
	"container/list"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/softphone/softphone/core/call"
)

// payload is a webhook's JSON body.
type payload struct {
	Event     Trigger   `json:"event"`
	At        time.Time `json:"at"`
	Number    string    `json:"number"`
	Raw       string    `json:"raw"`
	Name      string    `json:"name"`
	Account   string    `json:"account"`
	CallID    string    `json:"call_id"`
	Direction string    `json:"direction"`
	Call      call.Info `json:"call"`
}

// delivery is one webhook POST, tried until it succeeds or gives up.
type delivery struct {
	id          string // X-Softphone-Delivery, the same on every attempt
	event       Trigger
	callID      string
	body        []byte
	url, secret string

	elem   *list.Element      // in poster.order; nil once removed
	cancel context.CancelFunc // while its call's worker has it
}

// poster delivers webhooks: one queue per call, each worked by a
// goroutine of its own while it has deliveries, so a call's events
// arrive in order and a slow or failing call holds up no other.
type poster struct {
	run    context.Context
	client *http.Client
	log    *slog.Logger
	base   time.Duration // first retry delay
	per    time.Duration // attempt timeout
	slots  chan struct{} // requests in flight

	mu           sync.Mutex
	queues       map[string][]*delivery // by call id; present while its worker runs
	order        *list.List             // every pending delivery, oldest first
	dropped      int                    // not yet reported
	droppedTotal int
	maxSeen      int // most pending at once, for tests
	lastLog      time.Time
	workers      sync.WaitGroup
}

func newPoster(run context.Context, o Options) *poster {
	p := &poster{
		run: run, client: o.Client, log: o.Log, base: o.retryBase, per: o.attemptTimeout,
		slots: make(chan struct{}, maxInFlight), queues: map[string][]*delivery{}, order: list.New(),
	}
	if p.client == nil {
		p.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if p.base <= 0 {
		p.base = retryBase
	}
	if p.per <= 0 {
		p.per = attemptTimeout
	}
	return p
}

// add queues a delivery for the call's worker, starting one if the call
// has none. It never waits on the network: at MaxPending the oldest
// pending delivery is dropped instead.
func (p *poster) add(t Trigger, at time.Time, i call.Info, v Vars, url, secret string) {
	body, err := json.Marshal(payload{Event: t, At: at, Number: v.Number, Raw: v.Raw, Name: v.Name,
		Account: v.Account, CallID: v.CallID, Direction: v.Direction, Call: i})
	if err != nil {
		p.log.Error("cti: webhook body", "call", i.ID, "err", err)
		return
	}
	var id [16]byte
	_, _ = rand.Read(id[:]) // never fails (crypto/rand)
	d := &delivery{id: hex.EncodeToString(id[:]), event: t, callID: i.ID, body: body, url: url, secret: secret}

	p.mu.Lock()
	defer p.mu.Unlock()
	d.elem = p.order.PushBack(d)
	q, running := p.queues[d.callID]
	p.queues[d.callID] = append(q, d)
	if !running {
		p.workers.Add(1)
		go p.work(d.callID)
	}
	for p.order.Len() > MaxPending {
		p.drop(p.order.Front().Value.(*delivery))
	}
	p.maxSeen = max(p.maxSeen, p.order.Len())
}

// drop removes d, aborting it if it is being tried; p.mu is held.
func (p *poster) drop(d *delivery) {
	p.remove(d)
	if d.cancel != nil {
		d.cancel()
	}
	p.dropped++
	p.droppedTotal++
	p.report(false)
}

// remove takes d out of the pending list and its call's queue; p.mu is
// held. Removing twice is harmless.
func (p *poster) remove(d *delivery) {
	if d.elem == nil {
		return
	}
	p.order.Remove(d.elem)
	d.elem = nil
	if q, ok := p.queues[d.callID]; ok {
		p.queues[d.callID] = slices.DeleteFunc(q, func(x *delivery) bool { return x == d })
	}
}

// report logs the deliveries dropped since the last report: at most one
// line every 10 s while dropping goes on, and what is left when Watch
// stops (final). Under p.mu unless final.
func (p *poster) report(final bool) {
	if final {
		p.mu.Lock()
		defer p.mu.Unlock()
		if n := p.order.Len(); n > 0 {
			p.log.Warn("cti: webhook deliveries abandoned: the phone stopped", "pending", n)
		}
	}
	if p.dropped == 0 || (!final && time.Since(p.lastLog) < 10*time.Second) {
		return
	}
	p.log.Warn("cti: webhook deliveries dropped: too many pending", "dropped", p.dropped, "max", MaxPending)
	p.dropped, p.lastLog = 0, time.Now()
}

// work delivers the call's webhooks one after the other and returns when
// its queue is empty.
func (p *poster) work(callID string) {
	defer p.workers.Done()
	for {
		p.mu.Lock()
		q := p.queues[callID]
		if len(q) == 0 {
			delete(p.queues, callID)
			p.mu.Unlock()
			return
		}
		d := q[0]
		ctx, cancel := context.WithCancel(p.run)
		d.cancel = cancel
		p.mu.Unlock()

		p.deliver(ctx, d)
		cancel()
		p.mu.Lock()
		p.remove(d)
		p.mu.Unlock()
	}
}

// deliver tries d until it is taken, refused for good (a 4xx other than
// 408 and 429, a redirect), MaxAttempts are spent or ctx ends (dropped,
// or the phone stopped), waiting base, 2×base... (at most retryCap)
// between attempts.
func (p *poster) deliver(ctx context.Context, d *delivery) {
	wait := p.base
	for attempt := 1; ; attempt++ {
		status, err := p.attempt(ctx, d)
		if err == nil && status/100 == 2 {
			return
		}
		if ctx.Err() != nil {
			return
		}
		retry := err != nil || status >= 500 || status == http.StatusRequestTimeout || status == http.StatusTooManyRequests
		why := any(err)
		if err == nil {
			why = fmt.Sprintf("HTTP %d", status)
		}
		if !retry || attempt == MaxAttempts {
			p.log.Warn("cti: webhook not delivered", "event", d.event, "call", d.callID, "delivery", d.id,
				"attempts", attempt, "err", why)
			return
		}
		p.log.Debug("cti: webhook attempt failed", "event", d.event, "call", d.callID, "attempt", attempt, "err", why)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, retryCap)
	}
}

// attempt POSTs d once, signed now, and returns the status.
func (p *poster) attempt(ctx context.Context, d *delivery) (int, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	defer func() { <-p.slots }()
	ctx, cancel := context.WithTimeout(ctx, p.per)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url, bytes.NewReader(d.body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "softphone-webhook")
	req.Header.Set("X-Softphone-Event", string(d.event))
	req.Header.Set("X-Softphone-Delivery", d.id)
	req.Header.Set("X-Softphone-Signature", Sign(d.secret, d.body, time.Now()))
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	// Read a little of the answer so the connection can be reused.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// wait returns when no call has a worker.
func (p *poster) wait() { p.workers.Wait() }

// stats is how many deliveries are pending, and the most at once.
func (p *poster) stats() (pending, most int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.order.Len(), p.maxSeen
}
