package audio

import (
	"errors"
	"fmt"
	"time"
)

// pacer keeps one direction of a software device in real time. Deadlines
// are absolute (origin + samples/rate on the monotonic clock), so sleep
// overshoot never accumulates into drift.
type pacer struct {
	origin  time.Time
	rate    int
	samples int64 // samples already passed through this direction
	maxLag  time.Duration
	timer   *time.Timer
}

func newPacer(origin time.Time, f Format) pacer {
	return pacer{
		origin: origin,
		rate:   f.SampleRate * f.Channels,
		// A caller this late (it stalled, or started long after Open) is
		// re-based rather than served a burst of frames to catch up.
		maxLag: max(5*f.Period, 100*time.Millisecond),
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
	wait := time.Until(deadline)
	if wait < -p.maxLag {
		p.origin = p.origin.Add(-wait)
		return isDone(done)
	}
	if wait <= 0 {
		return isDone(done)
	}
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	select {
	case <-p.timer.C:
		return isDone(done) // Close wins a tie
	case <-done:
		p.timer.Stop()
		return ErrClosed
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
