package videosession

import (
	"sync"
	"sync/atomic"
	"time"
)

// Bit rate adaptation: loss-based, as in RFC 3550 receiver reports, with
// the far end's REMB as a further ceiling.
const (
	startBitrate = 1_000_000 // the first target, when the ceiling is higher
	minBitrate   = 50_000    // the target never goes below
	// lowBitrate is where the frame rate starts giving way too: fewer,
	// sharper frames beat many smeared ones.
	lowBitrate = 250_000
	minFPS     = 5
	lossHigh   = 0.10 // fraction lost above which we back off
	lossLow    = 0.02 // below which we probe upwards
	// stepGap is the least time between two steps: a far end that puts
	// report blocks in each NACK's compound must not make us step per NACK.
	stepGap = 500 * time.Millisecond
)

// adapter holds the current send targets. The RTCP goroutine changes
// them; the send goroutine reads them on every frame, without locking.
type adapter struct {
	// mu serializes the updates and guards ceil, remb, fullFPS and
	// lastStep.
	mu       sync.Mutex
	ceil     int // the negotiated ceiling
	remb     int // the far end's estimate, 0 until it sends one
	fullFPS  int // the frame rate without congestion
	lastStep time.Time

	bitrate atomic.Int64
	fps     atomic.Int32
}

func (a *adapter) init(ceiling, fps int) {
	a.ceil, a.fullFPS = ceiling, fps
	a.bitrate.Store(int64(min(ceiling, startBitrate)))
	a.fps.Store(int32(fps))
}

// limit is the current ceiling.
func (a *adapter) limit() int {
	if a.remb > 0 && a.remb < a.ceil {
		return max(a.remb, minBitrate)
	}
	return a.ceil
}

// onLoss adapts to the fraction of our packets the far end lost in the
// last report interval, reported at now.
func (a *adapter) onLoss(fraction float64, now time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.lastStep.IsZero() && now.Sub(a.lastStep) < stepGap {
		return
	}
	a.lastStep = now
	br, fps := int(a.bitrate.Load()), int(a.fps.Load())
	switch {
	case fraction > lossHigh:
		br = max(br*85/100, minBitrate)
		if br < lowBitrate {
			fps = max(fps*3/4, minFPS)
		}
	case fraction < lossLow:
		br = br * 105 / 100
		if br >= lowBitrate && fps < a.fullFPS {
			fps = min(fps+max(fps/4, 1), a.fullFPS)
		}
	}
	a.bitrate.Store(int64(min(br, a.limit())))
	a.fps.Store(int32(fps))
}

// onREMB takes the far end's estimate of what it can receive.
func (a *adapter) onREMB(bps int) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.remb = bps
	if lim := a.limit(); int(a.bitrate.Load()) > lim {
		a.bitrate.Store(int64(lim))
	}
}

// targets are the current bit rate and frame rate.
func (a *adapter) targets() (bitrate, fps int) {
	return int(a.bitrate.Load()), int(a.fps.Load())
}
