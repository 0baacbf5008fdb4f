package audio

import (
	"sync"
)

// Ring is a single-producer single-consumer buffer of int16 samples that
// bridges a callback device (the audio thread pushes and pulls whole
// periods) to the blocking ReadFrame/WriteFrame API.
//
// The audio side uses the non-blocking Overwrite and ReadAvailable; the
// phone side uses the blocking Read and Write. Nothing allocates after
// NewRing. The lock is held only to copy samples, never while waiting.
type Ring struct {
	mu     sync.Mutex
	buf    []int16
	rd, wr int64 // samples ever read and written: fill is wr-rd
	err    error // set by CloseWithError

	// Wake-ups for the one blocked reader or writer; capacity 1 so a
	// signal sent before the other side waits is not lost.
	readable chan struct{}
	writable chan struct{}
	done     chan struct{}
}

// NewRing returns a ring holding up to size samples.
func NewRing(size int) *Ring {
	return &Ring{
		buf:      make([]int16, max(size, 1)),
		readable: make(chan struct{}, 1),
		writable: make(chan struct{}, 1),
		done:     make(chan struct{}),
	}
}

// Cap is the ring's capacity in samples.
func (r *Ring) Cap() int { return len(r.buf) }

// Len is the number of samples waiting to be read.
func (r *Ring) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int(r.wr - r.rd)
}

// Write appends all of p, blocking while the ring is full. It returns the
// close error (ErrClosed, ErrDeviceLost...) once the ring is closed.
func (r *Ring) Write(p []int16) (int, error) {
	return r.transfer(p, r.put, r.readable, r.writable)
}

// Read fills all of p, blocking until enough samples have arrived. It
// returns the close error once the ring is closed.
func (r *Ring) Read(p []int16) (int, error) {
	return r.transfer(p, r.get, r.writable, r.readable)
}

// transfer moves all of p with move (put or get), signalling progressed
// after each step that moved samples and waiting on ready (or the close)
// when a step could not finish. It returns the close error once the ring
// is closed.
func (r *Ring) transfer(p []int16, move func([]int16) int, progressed, ready chan struct{}) (int, error) {
	done := 0
	for {
		r.mu.Lock()
		if r.err != nil {
			err := r.err
			r.mu.Unlock()
			return done, err
		}
		n := move(p[done:])
		r.mu.Unlock()
		done += n
		if n > 0 {
			signal(progressed)
		}
		if done == len(p) {
			return done, nil
		}
		select {
		case <-ready:
		case <-r.done:
		}
	}
}

// WaitRoom blocks until n samples can be written without blocking (n is
// capped at the capacity). It returns the close error once the ring is
// closed. With one writer, the room it saw is still there for its Write.
func (r *Ring) WaitRoom(n int) error {
	n = min(n, len(r.buf))
	for {
		r.mu.Lock()
		err, free := r.err, len(r.buf)-int(r.wr-r.rd)
		r.mu.Unlock()
		if err != nil {
			return err
		}
		if free >= n {
			return nil
		}
		select {
		case <-r.writable:
		case <-r.done:
		}
	}
}

// Overwrite appends p without blocking; when the ring is full the oldest
// samples are dropped (a capture overrun keeps the freshest audio). It
// returns how many samples were dropped.
func (r *Ring) Overwrite(p []int16) (dropped int) {
	if len(p) > len(r.buf) {
		dropped = len(p) - len(r.buf)
		p = p[dropped:]
	}
	r.mu.Lock()
	if r.err != nil {
		r.mu.Unlock()
		return 0
	}
	if free := len(r.buf) - int(r.wr-r.rd); len(p) > free {
		r.rd += int64(len(p) - free)
		dropped += len(p) - free
	}
	r.put(p)
	r.mu.Unlock()
	signal(r.readable)
	return dropped
}

// ReadAvailable copies what is buffered into p without blocking and zeroes
// the rest (a playback underrun plays silence). It returns how many
// samples came from the ring.
func (r *Ring) ReadAvailable(p []int16) int {
	r.mu.Lock()
	n := 0
	if r.err == nil {
		n = r.get(p)
	}
	r.mu.Unlock()
	clear(p[n:])
	if n > 0 {
		signal(r.writable)
	}
	return n
}

// Reset drops everything buffered.
func (r *Ring) Reset() {
	r.mu.Lock()
	r.rd = r.wr
	r.mu.Unlock()
	signal(r.writable)
}

// Close makes blocked and later Read/Write calls return ErrClosed.
func (r *Ring) Close() error {
	r.CloseWithError(ErrClosed)
	return nil
}

// CloseWithError makes blocked and later Read/Write calls return err; the
// first error set wins, and nil means ErrClosed.
func (r *Ring) CloseWithError(err error) {
	if err == nil {
		err = ErrClosed
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return
	}
	r.err = err
	close(r.done)
}

// put copies as much of p as fits; r.mu held.
func (r *Ring) put(p []int16) int {
	n := min(len(p), len(r.buf)-int(r.wr-r.rd))
	at := int(r.wr % int64(len(r.buf)))
	c := copy(r.buf[at:], p[:n])
	copy(r.buf, p[c:n])
	r.wr += int64(n)
	return n
}

// get copies as much as is buffered into p; r.mu held.
func (r *Ring) get(p []int16) int {
	n := min(len(p), int(r.wr-r.rd))
	at := int(r.rd % int64(len(r.buf)))
	c := copy(p[:n], r.buf[at:])
	copy(p[c:n], r.buf)
	r.rd += int64(n)
	return n
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
