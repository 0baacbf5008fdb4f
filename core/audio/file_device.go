package audio

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// FileDevice is a Device made of an optional FileSource (else silence) and
// an optional FileSink (else discard), on one clock, as if both were one
// sound card: headless calls, tests, and "play this prompt, record that".
type FileDevice struct {
	f    Format
	src  *FileSource
	sink *FileSink
	in   silence // used when src is nil
	out  discard // used when sink is nil

	done  chan struct{}
	close sync.Once

	inLate, outLate lateness
	shift           atomic.Int64 // all four pacers' re-basing (see pacer)
}

// NewFileDevice combines src and sink (either may be nil) into one device at
// f; it takes ownership of both. Their clocks are reset to a common origin,
// now: call it just before the media starts.
func NewFileDevice(f Format, src *FileSource, sink *FileSink) (*FileDevice, error) {
	f, err := checkFormat(f)
	if err != nil {
		return nil, err
	}
	if src != nil && src.f != f {
		return nil, fmt.Errorf("audio: file source format %+v differs from device format %+v", src.f, f)
	}
	if sink != nil && sink.f != f {
		return nil, fmt.Errorf("audio: file sink format %+v differs from device format %+v", sink.f, f)
	}
	now := time.Now()
	d := &FileDevice{f: f, src: src, sink: sink, done: make(chan struct{})}
	d.in = silence{f: f, pace: newPacer(now, f), done: d.done}
	d.out = discard{pace: newPacer(now, f), done: d.done}
	d.in.pace.late, d.out.pace.late = &d.inLate, &d.outLate
	d.in.pace.shift, d.out.pace.shift = &d.shift, &d.shift
	if src != nil {
		src.mu.Lock()
		src.pace = newPacer(now, f)
		src.pace.late, src.pace.shift = &d.inLate, &d.shift
		src.mu.Unlock()
	}
	if sink != nil {
		sink.mu.Lock()
		sink.pace = newPacer(now, f)
		sink.pace.late, sink.pace.shift = &d.outLate, &d.shift
		sink.mu.Unlock()
	}
	return d, nil
}

// ReadFrame reads the next frame from the source (silence without one).
func (d *FileDevice) ReadFrame(pcm []int16) (int, error) {
	if d.src == nil {
		return d.in.ReadFrame(pcm)
	}
	return d.src.ReadFrame(pcm)
}

// WriteFrame records pcm to the sink (or drops it), in real time.
func (d *FileDevice) WriteFrame(pcm []int16) (int, error) {
	if d.sink == nil {
		return d.out.WriteFrame(pcm)
	}
	return d.sink.WriteFrame(pcm)
}

// PaceStats counts the frames each direction handled, and those handled
// late (see LateStats), source and sink included.
func (d *FileDevice) PaceStats() PaceStats {
	return PaceStats{Capture: d.inLate.stats(), Playback: d.outLate.stats()}
}

// ResetWorst starts a new window for PaceStats' Worst figures.
func (d *FileDevice) ResetWorst() {
	d.inLate.worst.Store(0)
	d.outLate.worst.Store(0)
}

// Format is the device format.
func (d *FileDevice) Format() Format { return d.f }

// Close unblocks both directions, closes the source and finalises the
// recording.
func (d *FileDevice) Close() error {
	var err error
	d.close.Do(func() {
		close(d.done)
		if d.src != nil {
			err = d.src.Close()
		}
		if d.sink != nil {
			err = errors.Join(err, d.sink.Close())
		}
	})
	return err
}

// OpenFileDevice opens a FileDevice whose capture plays the WAV file inPath
// and whose playback records to outPath; "" for either means silence or
// discard.
func OpenFileDevice(f Format, inPath, outPath string, opts FileSourceOptions) (*FileDevice, error) {
	var src *FileSource
	var sink *FileSink
	var err error
	if inPath != "" {
		if src, err = OpenFileSource(inPath, f, opts); err != nil {
			return nil, err
		}
	}
	if outPath != "" {
		if sink, err = CreateFileSink(outPath, f); err != nil {
			if src != nil {
				_ = src.Close()
			}
			return nil, err
		}
	}
	d, err := NewFileDevice(f, src, sink)
	if err != nil {
		if src != nil {
			_ = src.Close()
		}
		if sink != nil {
			_ = sink.Close()
		}
		return nil, err
	}
	return d, nil
}
