package audio

import (
	"errors"
	"fmt"
	"sync/atomic"
	"time"
)

// LateStats are one direction's pacing figures: how many frames went
// through, and how many were late.
//
// A frame's lateness is how long after its due time (capture: the end of
// the frame; playback: the start of its slot) the pacer handed it over
// (capture: returned it; playback: accepted it), whether the caller came
// late or its wake-up did. A stream may run at a steady offset from the
// device clock (a loop that plays right after each capture writes every
// playback frame one period after its slot starts; a real device would
// just have started its output later), so lateness counts from the
// direction's Offset, its smallest lateness so far. A frame is late when
// it comes more than one period after that: a device with one period of
// slack would have glitched there.
type LateStats struct {
	Frames uint64
	Late   uint64
	// Offset is the smallest lateness seen: the stream's steady offset.
	Offset time.Duration
	// Worst is the largest lateness beyond Offset since the device opened
	// or the last ResetWorst.
	Worst time.Duration
}

// PaceStats are a software device's pacing figures, per direction.
type PaceStats struct {
	Capture, Playback LateStats
}

// lateness is one direction's counters, shared by the pacers that serve it
// (a file device swaps its pacers at open) and read from any goroutine.
type lateness struct {
	frames, late atomic.Uint64
	offset       atomic.Int64 // smallest lateness in ns, plus 1; 0 = none yet
	worst        atomic.Int64 // ns beyond offset
}

func (l *lateness) record(late, period time.Duration) {
	l.frames.Add(1)
	for {
		o := l.offset.Load()
		if o != 0 && int64(late)+1 >= o {
			break
		}
		if l.offset.CompareAndSwap(o, int64(late)+1) {
			break
		}
	}
	beyond := late - time.Duration(l.offset.Load()-1)
	if beyond > period {
		l.late.Add(1)
	}
	for {
		w := l.worst.Load()
		if int64(beyond) <= w || l.worst.CompareAndSwap(w, int64(beyond)) {
			return
		}
	}
}

func (l *lateness) stats() LateStats {
	st := LateStats{Frames: l.frames.Load(), Late: l.late.Load(), Worst: time.Duration(l.worst.Load())}
	if o := l.offset.Load(); o != 0 {
		st.Offset = time.Duration(o - 1)
	}
	return st
}

// pacer keeps one direction of a software device in real time. Deadlines
// are absolute (origin + samples/rate on the monotonic clock), so sleep
// overshoot never accumulates into drift.
type pacer struct {
	origin  time.Time
	rate    int
	samples int64 // samples already passed through this direction
	maxLag  time.Duration
	period  time.Duration
	late    *lateness // nil: not counted
	timer   *time.Timer
	// tick paces a steady stream of one-period waits: a ticker stays armed
	// in the runtime between frames, where re-arming a timer every frame
	// also woke the runtime's network poller thread. nextTick is when it
	// fires next.
	tick     *time.Ticker
	nextTick time.Time
	// shift, when set, is the re-basing shared by both directions of one
	// device: a stall that moves one direction's clock moves the other's,
	// or a loop serving both would stay a period late for good.
	shift *atomic.Int64
}

func newPacer(origin time.Time, f Format) pacer {
	return pacer{
		origin: origin,
		rate:   f.SampleRate * f.Channels,
		// A caller this late (it stalled, or started long after Open) is
		// re-based rather than served a burst of frames to catch up.
		maxLag: max(5*f.Period, 100*time.Millisecond),
		period: f.Period,
	}
}

// waitFor blocks until the first `samples` samples after the current
// position are due (position+samples past origin), then advances the
// position. It returns ErrClosed when done is closed.
func (p *pacer) waitFor(samples int, done <-chan struct{}) error {
	p.samples += int64(samples)
	return p.waitUntil(p.samples, done)
}

// waitStart blocks until the current position is due, then advances by
// samples: a playback device accepts a frame when its slot starts.
func (p *pacer) waitStart(samples int, done <-chan struct{}) error {
	err := p.waitUntil(p.samples, done)
	p.samples += int64(samples)
	return err
}

func (p *pacer) waitUntil(pos int64, done <-chan struct{}) error {
	deadline := p.origin.Add(p.offset(pos))
	if p.shift != nil {
		deadline = deadline.Add(time.Duration(p.shift.Load()))
	}
	wait := time.Until(deadline)
	if wait < -p.maxLag {
		if p.shift != nil {
			p.shift.Add(int64(-wait))
		} else {
			p.origin = p.origin.Add(-wait)
		}
		p.record(-wait)
		return isDone(done)
	}
	if wait <= 0 {
		p.record(-wait)
		return isDone(done)
	}
	if p.tick != nil && absDuration(deadline.Sub(p.nextTick)) < time.Millisecond {
		return p.waitTick(deadline, done)
	}
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	select {
	case <-p.timer.C:
	case <-done:
		p.timer.Stop()
		p.stopTick()
		return ErrClosed
	}
	if p.late != nil {
		p.record(time.Since(deadline)) // the wake-up's own delay
	}
	// From this deadline on, a ticker serves the next ones.
	if p.tick == nil {
		p.tick = time.NewTicker(p.period)
	} else {
		p.tick.Reset(p.period)
	}
	p.nextTick = time.Now().Add(p.period)
	return isDone(done) // Close wins a tie
}

// waitTick waits for the tick due at about deadline. A tick left over from
// a frame that was served late (without waiting) is skipped.
func (p *pacer) waitTick(deadline time.Time, done <-chan struct{}) error {
	for {
		select {
		case <-p.tick.C:
		case <-done:
			p.stopTick()
			return ErrClosed
		}
		p.nextTick = p.nextTick.Add(p.period)
		if time.Until(deadline) < time.Millisecond {
			if p.late != nil {
				p.record(max(0, time.Since(deadline)))
			}
			return isDone(done) // Close wins a tie
		}
	}
}

func (p *pacer) stopTick() {
	if p.tick != nil {
		p.tick.Stop()
		p.tick = nil
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (p *pacer) record(late time.Duration) {
	if p.late != nil {
		p.late.record(late, p.period)
	}
}

func (p *pacer) offset(pos int64) time.Duration {
	sec := pos / int64(p.rate)
	rem := pos % int64(p.rate)
	return time.Duration(sec)*time.Second + time.Duration(rem)*time.Second/time.Duration(p.rate)
}

func isDone(done <-chan struct{}) error {
	select {
	case <-done:
		return ErrClosed
	default:
		return nil
	}
}

// checkFormat validates a format for the software devices.
func checkFormat(f Format) (Format, error) {
	if f.Channels == 0 {
		f.Channels = 1
	}
	switch {
	case f.SampleRate < 1000 || f.SampleRate > 384000:
		return f, fmt.Errorf("audio: sample rate %d Hz out of range", f.SampleRate)
	case f.Channels < 1 || f.Channels > wavMaxChannels:
		return f, fmt.Errorf("audio: %d channels out of range", f.Channels)
	case f.FrameSamples() < 1:
		return f, fmt.Errorf("audio: period %v too short at %d Hz", f.Period, f.SampleRate)
	}
	return f, nil
}

// errMonoOnly: the file devices exchange mono, which is what the phone uses.
var errMonoOnly = errors.New("audio: file devices are mono (Format.Channels must be 1)")

func frameLen(f Format, n int) int {
	return min(n, f.FrameSamples()*f.Channels)
}
