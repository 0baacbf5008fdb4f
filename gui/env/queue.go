package env

import (
	"context"
	"sync"
)

// Queue runs a window's commands one at a time, in the order they were
// given, on one goroutine: two quick taps reach the phone in tap order,
// and a slow command (a SIP transaction) never blocks the frame.
type Queue struct {
	ctx  context.Context
	done func(what string, err error)
	wake chan struct{} // one pending wake-up of the goroutine

	mu      sync.Mutex // guards pending
	pending []job
}

type job struct {
	what string
	cmd  func(ctx context.Context) error
}

// NewQueue starts the queue's goroutine; it runs until ctx ends (the
// window's lifetime), and every command gets ctx. done is called on that
// goroutine after each command, with its error (nil if it succeeded).
func NewQueue(ctx context.Context, done func(what string, err error)) *Queue {
	q := &Queue{ctx: ctx, done: done, wake: make(chan struct{}, 1)}
	go q.loop()
	return q
}

// Run queues cmd after the commands already queued; it does not block.
// Commands queued once the window is gone are dropped.
func (q *Queue) Run(what string, cmd func(ctx context.Context) error) {
	if q.ctx.Err() != nil {
		return
	}
	q.mu.Lock()
	q.pending = append(q.pending, job{what, cmd})
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default: // the goroutine is already due to look
	}
}

func (q *Queue) loop() {
	for {
		select {
		case <-q.ctx.Done():
			return
		case <-q.wake:
		}
		for {
			j, ok := q.next()
			if !ok || q.ctx.Err() != nil {
				break
			}
			err := j.cmd(q.ctx)
			if q.done != nil {
				q.done(j.what, err)
			}
		}
	}
}

// next takes the oldest queued command.
func (q *Queue) next() (job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return job{}, false
	}
	j := q.pending[0]
	q.pending[0] = job{}
	q.pending = q.pending[1:]
	return j, true
}
