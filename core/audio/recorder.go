package audio

import (
	"errors"
	"fmt"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// Recorder writes a call to a WAV file: what the local microphone captured
// and what the far end sent (what the user heard, before any local tone),
// either as two channels (local left, remote right) or summed into one
// with a limiter, so that two people talking at once never clip.
//
// The audio loops hand it frames with Local and Remote, which only copy
// into ring buffers: the file is written by the recorder's own goroutine,
// so a slow disk never stalls a call. Should that goroutine fall more than
// recorderBuffer behind, the oldest audio is dropped (Dropped counts it).
// Both directions are paired sample by sample; when one stops for more
// than recorderMaxLag (a stalled device), the other is written alone
// against silence.
type Recorder struct {
	path   string
	file   *os.File
	w      *WAVWriter
	mixed  bool
	local  *Ring
	remote *Ring

	started   time.Time // see Started
	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	dropped   atomic.Int64
	err       error // the writer's first error, returned by Close

	// The writer goroutine's buffers.
	l, r  []int16
	out   []int16
	block int
	lag   int
	// mixed: the limiter's gain, and the block summed but not yet written
	// (sum[0], pending samples long, whose own gain limit is pendTarget).
	lim        float64
	sum        [2][]int32
	pending    int
	pendTarget float64
}

const (
	recorderBuffer = 4 * time.Second        // ring capacity per direction
	recorderMaxLag = 500 * time.Millisecond // one direction ahead by more: the other stalled
	recorderTick   = 200 * time.Millisecond // how often the writer wakes
	recorderBlock  = 10 * time.Millisecond  // the mixed limiter's block
	// recorderCeiling is the loudest sample the mixed limiter lets through.
	recorderCeiling = 32000
	// recorderRelease is the limiter gain's rise per block once quiet
	// again (0.25 dB per 10 ms).
	recorderRelease = 1.0292005271944286
)

// CreateRecorder creates path (which must not exist yet) and records at
// rate Hz: stereo (local left, remote right), or mono when mixed.
func CreateRecorder(path string, rate int, mixed bool) (*Recorder, error) {
	if rate < 1000 || rate > 384000 {
		return nil, fmt.Errorf("audio: recording at %d Hz: out of range", rate)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("audio: create recording: %w", err)
	}
	channels := 2
	if mixed {
		channels = 1
	}
	w, err := NewWAVWriterChannels(f, rate, channels)
	if err != nil {
		_ = f.Close()
		_ = os.Remove(path)
		return nil, err
	}
	size := int(recorderBuffer.Seconds() * float64(rate))
	block := int(recorderBlock.Seconds() * float64(rate))
	r := &Recorder{
		path: path, started: time.Now(), file: f, w: w, mixed: mixed,
		local: NewRing(size), remote: NewRing(size),
		stop: make(chan struct{}), done: make(chan struct{}),
		l: make([]int16, block), r: make([]int16, block), out: make([]int16, 2*block),
		lim: 1, block: block, lag: int(recorderMaxLag.Seconds() * float64(rate)),
		sum: [2][]int32{make([]int32, block), make([]int32, block)},
	}
	go r.run()
	return r, nil
}

// Path is the file being written.
func (r *Recorder) Path() string { return r.path }

// Started is when the recording was created: the time its first sample
// stands for, whichever call or conference feeds it since.
func (r *Recorder) Started() time.Time { return r.started }

// Local takes a frame the microphone captured. It never blocks.
func (r *Recorder) Local(pcm []int16) { r.dropped.Add(int64(r.local.Overwrite(pcm))) }

// Remote takes a frame the far end sent. It never blocks.
func (r *Recorder) Remote(pcm []int16) { r.dropped.Add(int64(r.remote.Overwrite(pcm))) }

// Dropped is the number of samples lost because the writer fell behind.
func (r *Recorder) Dropped() int64 { return r.dropped.Load() }

// Close writes what is buffered (the direction that ran short padded with
// silence), patches the header's sizes and closes the file. It is safe to
// call more than once.
func (r *Recorder) Close() error {
	r.closeOnce.Do(func() {
		close(r.stop)
		<-r.done
		r.local.Close()
		r.remote.Close()
		err := errors.Join(r.err, r.w.Close(), r.file.Close())
		if err != nil {
			r.closeErr = fmt.Errorf("audio: recording %s: %w", r.path, err)
		}
	})
	return r.closeErr
}

func (r *Recorder) run() {
	defer close(r.done)
	t := time.NewTicker(recorderTick)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			r.drain(false)
		case <-r.stop:
			r.drain(true)
			r.flushMix(1)
			return
		}
	}
}

// drain writes every pair of samples both directions have, then what one
// direction has beyond the lag limit (or everything, at the end) against
// silence for the other.
func (r *Recorder) drain(final bool) {
	for r.err == nil {
		nl, nr := r.local.Len(), r.remote.Len()
		lone := 0
		if final {
			lone = max(nl, nr) - min(nl, nr)
		} else if d := max(nl, nr) - min(nl, nr); d > r.lag {
			lone = d - r.lag
		}
		n := min(nl, nr)
		if n == 0 && lone == 0 {
			return
		}
		var k int
		if n > 0 {
			k = min(n, r.block)
			r.local.ReadAvailable(r.l[:k])
			r.remote.ReadAvailable(r.r[:k])
		} else {
			k = min(lone, r.block)
			if nl > nr {
				r.local.ReadAvailable(r.l[:k])
				clear(r.r[:k])
			} else {
				r.remote.ReadAvailable(r.r[:k])
				clear(r.l[:k])
			}
		}
		r.write(r.l[:k], r.r[:k])
	}
}

// write adds one block of local and remote samples to the file.
func (r *Recorder) write(l, rm []int16) {
	if r.mixed {
		r.mix(l, rm)
		return
	}
	out := r.out[:2*len(l)]
	for i := range l {
		out[2*i], out[2*i+1] = l[i], rm[i]
	}
	r.put(out)
}

func (r *Recorder) put(pcm []int16) {
	if _, err := r.w.Write(pcm); err != nil && r.err == nil {
		r.err = err
	}
}

// mix sums one block of local and remote samples and writes the block
// before it through the limiter: one block of look-ahead lets the gain
// come down during the block before a loud one, so no sample ever goes
// past the ceiling (nothing clips) and the gain only moves in ramps.
func (r *Recorder) mix(l, rm []int16) {
	cur := r.sum[1][:len(l)]
	peak := int32(0)
	for i := range l {
		s := int32(l[i]) + int32(rm[i])
		cur[i] = s
		peak = max(peak, s, -s)
	}
	target := 1.0
	if peak > recorderCeiling {
		target = recorderCeiling / float64(peak)
	}
	r.flushMix(target)
	r.sum[0], r.sum[1] = cur, r.sum[0][:cap(r.sum[0])]
	r.pending, r.pendTarget = len(l), target
}

// flushMix writes the pending block with the gain ramping to what both it
// and the next block (whose gain limit is next) allow.
func (r *Recorder) flushMix(next float64) {
	if r.pending == 0 {
		return
	}
	sums, out := r.sum[0][:r.pending], r.out[:r.pending]
	from := r.lim
	to := min(r.pendTarget, next, from*recorderRelease)
	for i, s := range sums {
		g := from + (to-from)*float64(i+1)/float64(len(sums))
		out[i] = int16(math.Round(float64(s) * g))
	}
	r.lim, r.pending = to, 0
	r.put(out)
}
