package audio

import (
	"sync"
	"sync/atomic"
	"time"
)

// silence is a capture direction that records nothing, in real time.
type silence struct {
	mu   sync.Mutex // one ReadFrame at a time: the pacer is not shared
	f    Format
	pace pacer
	done <-chan struct{}
}

func (s *silence) ReadFrame(pcm []int16) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := frameLen(s.f, len(pcm))
	clear(pcm[:n])
	if err := s.pace.waitFor(n, s.done); err != nil {
		return 0, err
	}
	return n, nil
}

// discard is a playback direction that plays nothing, in real time.
type discard struct {
	mu   sync.Mutex
	pace pacer
	done <-chan struct{}
}

func (d *discard) WriteFrame(pcm []int16) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.pace.waitStart(len(pcm), d.done); err != nil {
		return 0, err
	}
	return len(pcm), nil
}

// NullDevice is a Device with silent capture and discarding playback, both
// paced in real time at its Format like a sound card, for headless runs and
// tests.
type NullDevice struct {
	f     Format
	in    silence
	out   discard
	done  chan struct{}
	close sync.Once

	inLate, outLate lateness
	shift           atomic.Int64 // both directions' re-basing (see pacer)
}

// NewNullDevice opens a null device; its clock starts now.
func NewNullDevice(f Format) (*NullDevice, error) {
	f, err := checkFormat(f)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	d := &NullDevice{f: f, done: make(chan struct{})}
	d.in = silence{f: f, pace: newPacer(now, f), done: d.done}
	d.out = discard{pace: newPacer(now, f), done: d.done}
	d.in.pace.late, d.out.pace.late = &d.inLate, &d.outLate
	d.in.pace.shift, d.out.pace.shift = &d.shift, &d.shift
	return d, nil
}

// ReadFrame fills one frame (at most len(pcm) samples) with silence,
// returning when that frame would have been captured.
func (d *NullDevice) ReadFrame(pcm []int16) (int, error) { return d.in.ReadFrame(pcm) }

// WriteFrame drops pcm, returning when its slot starts.
func (d *NullDevice) WriteFrame(pcm []int16) (int, error) { return d.out.WriteFrame(pcm) }

// Format is the format the device was opened with.
func (d *NullDevice) Format() Format { return d.f }

// Close unblocks ReadFrame/WriteFrame, which then return ErrClosed.
func (d *NullDevice) Close() error {
	d.close.Do(func() { close(d.done) })
	return nil
}

// PaceStats counts the frames each direction handled, and those handled
// late (see LateStats): a measure of whether the caller keeps real time.
func (d *NullDevice) PaceStats() PaceStats {
	return PaceStats{Capture: d.inLate.stats(), Playback: d.outLate.stats()}
}

// ResetWorst starts a new window for PaceStats' Worst figures.
func (d *NullDevice) ResetWorst() {
	d.inLate.worst.Store(0)
	d.outLate.worst.Store(0)
}
