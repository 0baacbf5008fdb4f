package media

import "time"

// Tuning of the delay estimate.
const (
	jbBaseWindow = 2 * time.Second // the base transit is the smallest of this long
	jbQuantile   = 0.98            // share of packets the target delay should cover
	jbForget     = 0.99            // per packet: the histogram remembers ~100 packets
	jbShrinkRate = 0.01            // the target shrinks at most 10 ms per second
	jbBuckets    = 64
	jbWindowCap  = 512 // transits held for the base; a power of two
	jbPeakMemory = 10 * time.Second
	jbPeaks      = 8 // peaks remembered
)

type jbTransit struct{ at, transit time.Duration }

// jbEstimator turns arrival times into the base transit, the target
// delay and the RFC 3550 jitter.
//
// The target is a high percentile of transit − base, taken from a
// histogram that forgets exponentially: a jitter spike fills the top
// buckets within a few packets, so the target grows at once; it then
// shrinks no faster than jbShrinkRate, so one quiet second does not undo it.
//
// A network stall delivers its packets in one burst, each waiting a frame
// less than the one before: only the burst's first packet is counted, else
// one stall would read as heavy jitter. A stall that recurs within
// jbPeakMemory is covered all the same: the target does not go below the
// peaks seen twice or more in that time.
type jbEstimator struct {
	min, max, frame time.Duration

	// Monotonic deque over the window: the front is the smallest transit.
	win        [jbWindowCap]jbTransit
	head, n    int
	lastBase   time.Duration
	hist       [jbBuckets]float64
	mass       float64
	bucket     time.Duration
	target     time.Duration
	jitter     float64 // ns
	prev       time.Duration
	prevAt     time.Duration
	hasPrev    bool
	shrinkStep time.Duration
	peaks      [jbPeaks]jbTransit // arrival and relative delay of recent peaks
	npeaks     int
}

func (e *jbEstimator) init(cfg JitterConfig) {
	*e = jbEstimator{
		min:        cfg.MinDelay,
		max:        cfg.MaxDelay,
		frame:      cfg.Frame,
		bucket:     max(time.Millisecond, cfg.MaxDelay/(jbBuckets-4)),
		target:     cfg.MinDelay,
		shrinkStep: time.Duration(float64(cfg.Frame) * jbShrinkRate),
	}
}

// restart forgets the transits (a new time base) but keeps what was
// learnt about the network's jitter.
func (e *jbEstimator) restart() {
	e.n, e.lastBase, e.hasPrev, e.npeaks = 0, 0, false, 0
}

// base is the smallest transit of the window.
func (e *jbEstimator) base() time.Duration { return e.lastBase }

// add takes one packet's arrival offset and transit.
func (e *jbEstimator) add(at, transit time.Duration) {
	const mask = jbWindowCap - 1
	for e.n > 0 && at-e.win[e.head].at > jbBaseWindow {
		e.head, e.n = (e.head+1)&mask, e.n-1
	}
	for e.n > 0 && e.win[(e.head+e.n-1)&mask].transit >= transit {
		e.n--
	}
	if e.n == jbWindowCap {
		e.head, e.n = (e.head+1)&mask, e.n-1
	}
	e.win[(e.head+e.n)&mask] = jbTransit{at, transit}
	e.n++
	e.lastBase = e.win[e.head].transit

	follower := false
	if e.hasPrev {
		d := transit - e.prev
		follower = d < 0 && at-e.prevAt < e.frame/4
		if d < 0 {
			d = -d
		}
		e.jitter += (float64(d) - e.jitter) / 16
	}
	e.prev, e.prevAt, e.hasPrev = transit, at, true
	if follower {
		return
	}

	rel := transit - e.lastBase
	b := min(int(rel/e.bucket), jbBuckets-1)
	for i := range e.hist {
		e.hist[i] *= jbForget
	}
	e.hist[b] += 1 - jbForget
	e.mass = e.mass*jbForget + (1 - jbForget)
	e.retarget(at, rel)
}

func (e *jbEstimator) retarget(at, rel time.Duration) {
	want, acc, i := jbQuantile*e.mass, 0.0, 0
	for ; i < jbBuckets-1; i++ {
		if acc += e.hist[i]; acc >= want {
			break
		}
	}
	// The bucket's upper edge: the target covers the whole bucket.
	cand := time.Duration(i+1) * e.bucket
	if rel > cand+e.frame {
		e.peaks[e.npeaks%jbPeaks] = jbTransit{at, rel}
		e.npeaks++
	}
	cand = min(max(cand, e.peakFloor(at), e.min), e.max)
	if cand >= e.target {
		e.target = cand
		return
	}
	e.target = max(cand, e.target-e.shrinkStep)
}

// peakFloor is the highest recent peak, once peaks recur.
func (e *jbEstimator) peakFloor(at time.Duration) time.Duration {
	n, top := 0, time.Duration(0)
	for _, p := range e.peaks[:min(e.npeaks, jbPeaks)] {
		if at-p.at <= jbPeakMemory {
			n++
			top = max(top, p.transit)
		}
	}
	if n < 2 {
		return 0
	}
	return top
}
